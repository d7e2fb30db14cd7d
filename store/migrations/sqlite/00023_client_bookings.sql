-- Integration clients booking for residents through FHIR (issue 18): which
-- client booked an appointment, so that it reads back and cancels only its
-- own, and the client as the actor of an audit row.
--
-- appointment_clients is a table of its own rather than a column of
-- appointments: few appointments have a client, and the index of a
-- client's appointments stays that small.

-- +goose Up
CREATE TABLE appointment_clients (
    appointment_id INTEGER PRIMARY KEY REFERENCES appointments (id),
    client_id      INTEGER NOT NULL REFERENCES integration_clients (id)
) STRICT;
CREATE INDEX appointment_clients_client ON appointment_clients (client_id, appointment_id);

-- The integration client an audit row's actor is (actor_role
-- 'integration', actor_id 0). No foreign key, as the rest of audit_log.
ALTER TABLE audit_log ADD COLUMN actor_client INTEGER;

-- +goose Down
ALTER TABLE audit_log DROP COLUMN actor_client;
DROP TABLE appointment_clients;
