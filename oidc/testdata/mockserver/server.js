// Starts oauth2-mock-server 8.2.3 on a free loopback port for the Go test
// TestAgainstOAuth2MockServer (oidc/oidc_mockserver_test.go), adds an RS256
// signing key and prints the issuer URL as the first line on stdout. The
// server stops when its stdin closes or on SIGTERM/SIGINT.
//
// The mock's ID tokens carry only sub "johndoe", so the hooks add what a
// Suomi.fi sign-in carries: the level of assurance (acr) in the ID token and
// the personal identity code and names in the userinfo response, as Suomi.fi
// does. The values are test data.
import { OAuth2Server } from 'oauth2-mock-server';

const person = {
  'urn:oid:1.2.246.21': '010101-123N',
  'urn:oid:2.5.4.42': 'John',
  'urn:oid:2.5.4.4': 'Doe',
};

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');

server.service.on('beforeTokenSigning', (token) => {
  // Both the access token and the ID token pass here; only the ID token has
  // an audience (the client id).
  if (token.payload.aud !== undefined) {
    token.payload.acr = 'http://ftn.ficora.fi/2017/loa3';
  }
});

server.service.on('beforeUserinfo', (userInfoResponse) => {
  if (userInfoResponse.statusCode === 200) {
    Object.assign(userInfoResponse.body, person);
  }
});

await server.start(0, '127.0.0.1');
// The mock names its issuer "localhost"; name the address it listens on.
server.issuer.url = `http://127.0.0.1:${server.address().port}`;
process.stdout.write(server.issuer.url + '\n');

const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
