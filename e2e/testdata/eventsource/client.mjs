// The npm eventsource client (4.1.1) reading one chat's live stream for
// sotepe's e2e test TestChatStreamResumesWithEventSource. Usage:
//
//   node client.mjs URL COOKIE COUNT
//
// It opens an EventSource on URL with the session cookie, prints every
// "message" and "system" event as one JSON line {"id", "type", "data"} on
// stdout, and exits 0 once COUNT events have arrived (1 after 30 s). It
// never resumes by itself: when the connection drops the library
// reconnects and sends Last-Event-ID, which is what the test checks.
import { EventSource } from "eventsource";

const [url, cookie, countArg] = process.argv.slice(2);
const want = Number(countArg);
let got = 0;

const es = new EventSource(url, {
  fetch: (input, init) =>
    fetch(input, { ...init, headers: { ...init.headers, Cookie: cookie } }),
});

const timer = setTimeout(() => {
  console.error(`timed out after ${got} of ${want} events`);
  process.exit(1);
}, 30000);

function onEvent(e) {
  console.log(JSON.stringify({ id: e.lastEventId, type: e.type, data: e.data }));
  got++;
  if (got >= want) {
    clearTimeout(timer);
    es.close();
    process.exit(0);
  }
}
es.addEventListener("message", onEvent);
es.addEventListener("system", onEvent);
es.addEventListener("error", (e) => console.error(`error: ${e.message ?? ""}`));
