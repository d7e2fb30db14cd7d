package main

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"

	"sotepe"
	"sotepe/app"
	"sotepe/oidc"
	"sotepe/valtuudet"
	"sotepe/web"
)

// identityConfig reads the identity providers and the mandate register from
// the environment (docs/identity.md):
//
//	SOTEPE_OIDC_ISSUER, SOTEPE_OIDC_CLIENT_ID, SOTEPE_OIDC_KEY   residents' provider (Suomi.fi)
//	SOTEPE_OIDC_ENCRYPTION_KEY   the key ID tokens are encrypted to (default: SOTEPE_OIDC_KEY)
//	SOTEPE_OIDC_REQUIRE_ENCRYPTION   refuse plain ID tokens (default true)
//	SOTEPE_STAFF_OIDC_ISSUER, SOTEPE_STAFF_OIDC_CLIENT_ID, SOTEPE_STAFF_OIDC_KEY   staff's provider
//	SOTEPE_VALTUUDET_URL, SOTEPE_VALTUUDET_CLIENT_ID, SOTEPE_VALTUUDET_CLIENT_SECRET,
//	SOTEPE_VALTUUDET_CHECKSUM_KEY   Suomi.fi Valtuudet
//	SOTEPE_FHIR_AUDIENCE   the aud residents' access tokens name for the FHIR API (default: the base URL and /fhir/R4)
//
// Keys are paths to PEM files of RSA private keys (PKCS #1 or PKCS #8).
// testIdP turns on the test identity provider (the demo, or --test-idp).
func identityConfig(getenv func(string) string, baseURL string, testIdP bool) (app.Identity, error) {
	id := app.Identity{TestIdP: testIdP, FHIRAudience: getenv("SOTEPE_FHIR_AUDIENCE")}
	for _, p := range []struct {
		prefix, name string
		staff        bool
		label        sotepe.Names
	}{
		{"SOTEPE_OIDC_", "suomifi", false, sotepe.Names{Fi: "Tunnistaudu (Suomi.fi)", Sv: "Identifiera dig (Suomi.fi)", En: "Identify (Suomi.fi)"}},
		{"SOTEPE_STAFF_OIDC_", "staff", true, sotepe.Names{Fi: "Henkilöstön kirjautuminen", Sv: "Inloggning för personalen", En: "Staff sign-in"}},
	} {
		issuer := getenv(p.prefix + "ISSUER")
		if issuer == "" {
			continue
		}
		clientID := getenv(p.prefix + "CLIENT_ID")
		if clientID == "" {
			return id, fmt.Errorf("%sCLIENT_ID is required with %sISSUER", p.prefix, p.prefix)
		}
		key, err := readRSAKey(getenv(p.prefix + "KEY"))
		if err != nil {
			return id, fmt.Errorf("%sKEY: %w", p.prefix, err)
		}
		enc := key
		if path := getenv(p.prefix + "ENCRYPTION_KEY"); path != "" {
			if enc, err = readRSAKey(path); err != nil {
				return id, fmt.Errorf("%sENCRYPTION_KEY: %w", p.prefix, err)
			}
		}
		require, err := envBool(getenv, p.prefix+"REQUIRE_ENCRYPTION", !p.staff)
		if err != nil {
			return id, err
		}
		id.Providers = append(id.Providers, web.IdentityProvider{Name: p.name, Label: p.label, Staff: p.staff, OIDC: oidc.Config{
			Name: p.name, Issuer: issuer, ClientID: clientID, RedirectURL: baseURL + "/login/" + p.name + "/callback",
			SigningKey: key, EncryptionKey: enc, RequireEncryption: require, PersonalIDOptional: p.staff,
		}})
	}
	if u := getenv("SOTEPE_VALTUUDET_URL"); u != "" {
		id.Valtuudet = &valtuudet.Client{BaseURL: u, ClientID: getenv("SOTEPE_VALTUUDET_CLIENT_ID"),
			ClientSecret: getenv("SOTEPE_VALTUUDET_CLIENT_SECRET"), ChecksumKey: getenv("SOTEPE_VALTUUDET_CHECKSUM_KEY")}
		if id.Valtuudet.ClientID == "" || id.Valtuudet.ClientSecret == "" || id.Valtuudet.ChecksumKey == "" {
			return id, fmt.Errorf("SOTEPE_VALTUUDET_URL needs SOTEPE_VALTUUDET_CLIENT_ID, _CLIENT_SECRET and _CHECKSUM_KEY")
		}
	}
	return id, nil
}

// readRSAKey reads an RSA private key from a PEM file.
func readRSAKey(path string) (*rsa.PrivateKey, error) {
	if path == "" {
		return nil, fmt.Errorf("a PEM file of an RSA private key is required")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		return nil, fmt.Errorf("%s holds no PEM block", path)
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: not an RSA private key", path)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an RSA private key", path)
	}
	return rk, nil
}
