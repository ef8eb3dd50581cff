/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The certificate world of a run, made with OpenSSL when the run starts
 * (nothing private is ever committed): a "Cisco root" CA that every phone
 * trusts out of the box (9.6), a manufacturing CA that issues the phones'
 * MICs (2.2), provider CAs that no phone trusts until it loads one through
 * Custom_CA_Rule (16.5, B54), and server certificates issued by any of
 * them or self-signed, with any validity, names and key type, so that
 * every certificate fault is simply a certificate made that way.
 *
 * MICs are issued lazily, the first time a server asks a phone for one;
 * phones of one key group share a key pair (their certificates still
 * differ by subject and serial), so a large fleet costs one key generation
 * per group, not per phone.  The phone keeps only the DER (a few hundred
 * bytes).  Certificate times are calendar seconds; validity is checked
 * against the run's virtual clock by the TLS code (emu/tls.c).
 *
 * The client SSL_CTX, shared by every phone of the run, lives here too: it
 * is the trust store in the form libssl wants.  Randomness comes from
 * OpenSSL's RAND; the sim runtime makes it deterministic (netsim/rand.c)
 * before it creates the pki, so a seed gives the same certificates.
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "emu.h"

#define PKI_CA_YEARS		20	/* CA validity around the epoch */
#define PKI_MIC_YEARS		20	/* MIC validity after issue */
#define PKI_YEAR_S		(365LL * 86400)
#define PKI_GROUPS_MAX		1024	/* shared MIC key pairs */
#define PKI_TRUST_CACHE		64	/* trust stores with a custom CA */
#define PKI_CN_MAX		64	/* RFC 5280 ub-common-name */

struct pki_ca {
	char		*name;		/* owned */
	X509		*cert;		/* owned */
	EVP_PKEY	*key;		/* owned */
	char		*pem;		/* owned, made on first use */
};

struct pki_srv {
	char		*name;		/* owned */
	X509		*cert;		/* owned */
	EVP_PKEY	*key;		/* owned */
};

struct pki_group {
	int		 id;
	EVP_PKEY	*key;		/* owned */
};

struct pki_trust {
	uint8_t		 hash[32];	/* SHA-256 of the custom CA's DER */
	X509_STORE	*store;		/* owned: the root and that CA */
};

struct emu_pki {
	uint64_t	 seed;
	int64_t		 epoch;		/* calendar seconds at time 0 */
	uint64_t	 serial;	/* certificates issued */
	struct pki_ca	*ca;		/* owned: [PKI_CA_ROOT], [PKI_CA_MIC], */
	size_t		 nca;		/* then provider CAs */
	struct pki_srv	*srv;		/* owned */
	size_t		 nsrv;
	struct pki_group *group;	/* owned */
	size_t		 ngroup;
	X509_STORE	*trust;		/* owned: the root only */
	struct pki_trust trust_cache[PKI_TRUST_CACHE];
	size_t		 ntrust;
	SSL_CTX		*client;	/* owned: shared by all phones */
	uint64_t	 mics;		/* MICs issued */
};

static EVP_PKEY	*pki_keygen(enum pki_key);
static X509	*pki_make(struct emu_pki *, X509_NAME *, EVP_PKEY *,
		    const struct pki_ca *, int64_t, int64_t, int,
		    const char *const *, int, int, char **);
static int	 pki_ext(X509 *, X509 *, int, const char *);
static void	 pki_cause(char **, const char *);
static uint64_t	 pki_mix(uint64_t);
static void	 pki_die(void) __attribute__((noreturn));
static int	 pki_ca_new(struct emu_pki *, const char *, enum pki_key,
		    char **);

struct emu_pki *
pki_create(uint64_t seed, int64_t epoch_now)
{
	struct emu_pki	*k;
	char		*cause = NULL;

	k = xcalloc(1, sizeof *k);
	k->seed = seed;
	k->epoch = epoch_now;
	if (pki_ca_new(k, "phonefleet Cisco Root CA", PKI_KEY_ECDSA_P256,
	    &cause) != PKI_CA_ROOT ||
	    pki_ca_new(k, "phonefleet Cisco Manufacturing CA",
	    PKI_KEY_ECDSA_P256, &cause) != PKI_CA_MIC)
		pki_die();	/* OpenSSL failing with fixed input: no memory */
	free(cause);
	k->trust = X509_STORE_new();
	if (k->trust == NULL ||
	    X509_STORE_add_cert(k->trust, k->ca[PKI_CA_ROOT].cert) != 1)
		pki_die();
	return (k);
}

void
pki_free(struct emu_pki *k)
{
	size_t	i;

	if (k == NULL)
		return;
	SSL_CTX_free(k->client);
	for (i = 0; i < k->nca; i++) {
		free(k->ca[i].name);
		X509_free(k->ca[i].cert);
		EVP_PKEY_free(k->ca[i].key);
		free(k->ca[i].pem);
	}
	free(k->ca);
	for (i = 0; i < k->nsrv; i++) {
		free(k->srv[i].name);
		X509_free(k->srv[i].cert);
		EVP_PKEY_free(k->srv[i].key);
	}
	free(k->srv);
	for (i = 0; i < k->ngroup; i++)
		EVP_PKEY_free(k->group[i].key);
	free(k->group);
	for (i = 0; i < k->ntrust; i++)
		X509_STORE_free(k->trust_cache[i].store);
	X509_STORE_free(k->trust);
	free(k);
}

int64_t
pki_epoch(const struct emu_pki *k)
{
	return (k->epoch);
}

/* A provider CA (B54): trusted only by phones that load it. */
int
pki_ca_add(struct emu_pki *k, const char *name, enum pki_key type,
    char **cause)
{
	return (pki_ca_new(k, name, type, cause));
}

/* The PEM of CA ca (what a Custom_CA_Rule URL serves); borrowed. */
const char *
pki_ca_pem(struct emu_pki *k, int ca)
{
	struct pki_ca	*c;
	BIO		*b;
	char		*data;
	long		 n;

	if (ca < 0 || (size_t)ca >= k->nca)
		return (NULL);
	c = &k->ca[ca];
	if (c->pem != NULL)
		return (c->pem);
	if ((b = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509(b, c->cert) != 1)
		pki_die();
	n = BIO_get_mem_data(b, &data);
	c->pem = xstrndup(data, n);
	BIO_free(b);
	return (c->pem);
}

/*
 * A server certificate named name_for_handle, for dns_names (n of them,
 * subjectAltName) and cn (may be NULL), issued by CA issuer or
 * PKI_ISSUER_SELF, valid from not_before to not_after (calendar seconds).
 * Returns a handle for pki_server_use(), or -1 with *cause.
 */
int
pki_server_cert(struct emu_pki *k, const char *name_for_handle,
    const char *const *dns_names, int n, const char *cn, int issuer,
    enum pki_key type, int64_t not_before, int64_t not_after, char **cause)
{
	struct pki_srv	*s;
	X509_NAME	*subj;
	EVP_PKEY	*key;
	X509		*x;

	if (issuer != PKI_ISSUER_SELF && (issuer < 0 ||
	    (size_t)issuer >= k->nca)) {
		xasprintf(cause, "no CA %d", issuer);
		return (-1);
	}
	if (n < 0 || n > PKI_SAN_MAX) {
		xasprintf(cause, "%d names: at most %d", n, PKI_SAN_MAX);
		return (-1);
	}
	if (cn != NULL && strlen(cn) > PKI_CN_MAX) {
		xasprintf(cause, "common name over %d bytes", PKI_CN_MAX);
		return (-1);
	}
	if ((key = pki_keygen(type)) == NULL) {
		pki_cause(cause, "key generation failed");
		return (-1);
	}
	subj = X509_NAME_new();
	if (cn != NULL && X509_NAME_add_entry_by_NID(subj, NID_commonName,
	    V_ASN1_UTF8STRING, (const unsigned char *)cn, -1, -1, 0) != 1) {
		X509_NAME_free(subj);
		EVP_PKEY_free(key);
		pki_cause(cause, "bad common name");
		return (-1);
	}
	x = pki_make(k, subj, key, issuer == PKI_ISSUER_SELF ? NULL :
	    &k->ca[issuer], not_before, not_after, 0, dns_names, n, 0, cause);
	if (x != NULL && issuer == PKI_ISSUER_SELF &&
	    X509_sign(x, key, EVP_sha256()) <= 0) {
		X509_free(x);
		x = NULL;
		pki_cause(cause, "cannot sign");
	}
	X509_NAME_free(subj);
	if (x == NULL) {
		EVP_PKEY_free(key);
		return (-1);
	}
	k->srv = xreallocarray(k->srv, k->nsrv + 1, sizeof *k->srv);
	s = &k->srv[k->nsrv];
	s->name = xstrdup(name_for_handle != NULL ? name_for_handle : "");
	s->cert = x;
	s->key = key;
	return ((int)k->nsrv++);
}

/* The handle of the server certificate called name, or -1. */
int
pki_server_find(const struct emu_pki *k, const char *name)
{
	size_t	i;

	for (i = 0; i < k->nsrv; i++) {
		if (strcmp(k->srv[i].name, name) == 0)
			return ((int)i);
	}
	return (-1);
}

/* Install server certificate h and its key in a server SSL_CTX. */
int
pki_server_use(struct emu_pki *k, int h, SSL_CTX *sctx, char **cause)
{
	if (h < 0 || (size_t)h >= k->nsrv) {
		xasprintf(cause, "no server certificate %d", h);
		return (-1);
	}
	if (SSL_CTX_use_certificate(sctx, k->srv[h].cert) != 1 ||
	    SSL_CTX_use_PrivateKey(sctx, k->srv[h].key) != 1) {
		pki_cause(cause, "certificate or key refused");
		return (-1);
	}
	return (0);
}

int
pki_server_pem(struct emu_pki *k, int h, char **cert, char **key)
{
	BIO	*b;
	char	*data;
	long	 n;

	if (h < 0 || (size_t)h >= k->nsrv)
		return (-1);
	if ((b = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509(b, k->srv[h].cert) != 1)
		pki_die();
	n = BIO_get_mem_data(b, &data);
	*cert = xstrndup(data, n);
	BIO_free(b);
	if ((b = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PrivateKey(b, k->srv[h].key, NULL, NULL, 0, NULL,
	    NULL) != 1)
		pki_die();
	n = BIO_get_mem_data(b, &data);
	*key = xstrndup(data, n);
	BIO_free(b);
	return (0);
}

/* A server SSL_CTX verifies client certificates against the MIC CA. */
int
pki_mic_trust(struct emu_pki *k, SSL_CTX *sctx)
{
	X509_STORE	*st = SSL_CTX_get_cert_store(sctx);
	STACK_OF(X509_NAME) *names;

	if (st == NULL || X509_STORE_add_cert(st, k->ca[PKI_CA_MIC].cert) != 1)
		return (-1);
	if ((names = sk_X509_NAME_new_null()) == NULL)
		return (-1);
	sk_X509_NAME_push(names,
	    X509_NAME_dup(X509_get_subject_name(k->ca[PKI_CA_MIC].cert)));
	SSL_CTX_set_client_CA_list(sctx, names);
	return (0);
}

/*
 * 2.2: the MIC of a phone, subject CN=<MA>, OU=<PN>, L=<MAC>, ST=<SN>,
 * issued now (calendar seconds) by the MIC CA.  key_group >= 0 shares the
 * group's key pair; -1 makes one for this phone and returns its private
 * key's DER in *key_der.  The DER are the caller's.
 */
int
pki_mic_issue(struct emu_pki *k, const struct pki_mic_id *id, int key_group,
    int64_t now, uint8_t **der, size_t *len, uint8_t **key_der,
    size_t *key_len, char **cause)
{
	static const int	 nid[4] = { NID_commonName,
	    NID_organizationalUnitName, NID_localityName,
	    NID_stateOrProvinceName };
	const char		*val[4];
	X509_NAME		*subj;
	EVP_PKEY		*key;
	X509			*x;
	unsigned char		*p;
	int			 i, n;

	*der = NULL;
	*len = 0;
	if (key_der != NULL) {
		*key_der = NULL;
		*key_len = 0;
	}
	if (key_group >= 0) {
		if ((key = pki_group_key(k, key_group)) == NULL) {
			pki_cause(cause, "MIC key generation failed");
			return (-1);
		}
		EVP_PKEY_up_ref(key);
	} else if ((key = pki_keygen(PKI_KEY_ECDSA_P256)) == NULL) {
		pki_cause(cause, "MIC key generation failed");
		return (-1);
	}
	val[0] = id->ma;
	val[1] = id->pn;
	val[2] = id->mac;
	val[3] = id->sn;
	subj = X509_NAME_new();
	for (i = 0; i < 4; i++) {
		if (val[i] == NULL)
			val[i] = "";
		/* UTF8String as given: an empty $SN is still a field. */
		if (X509_NAME_add_entry_by_NID(subj, nid[i], V_ASN1_UTF8STRING,
		    (const unsigned char *)val[i], (int)strnlen(val[i],
		    PKI_CN_MAX), -1, 0) != 1) {
			X509_NAME_free(subj);
			EVP_PKEY_free(key);
			pki_cause(cause, "bad MIC subject");
			return (-1);
		}
	}
	x = pki_make(k, subj, key, &k->ca[PKI_CA_MIC], now - 86400,
	    now + PKI_MIC_YEARS * PKI_YEAR_S, 0, NULL, 0, 1, cause);
	X509_NAME_free(subj);
	if (x == NULL) {
		EVP_PKEY_free(key);
		return (-1);
	}
	n = i2d_X509(x, NULL);
	*der = xmalloc(n);
	p = *der;
	*len = i2d_X509(x, &p);
	X509_free(x);
	if (key_group < 0 && key_der != NULL) {
		n = i2d_PrivateKey(key, NULL);
		*key_der = xmalloc(n);
		p = *key_der;
		*key_len = i2d_PrivateKey(key, &p);
	}
	EVP_PKEY_free(key);
	k->mics++;
	return (0);
}

/* The shared key pair of a key group, made on first use; borrowed. */
EVP_PKEY *
pki_group_key(struct emu_pki *k, int group)
{
	size_t	i;

	for (i = 0; i < k->ngroup; i++) {
		if (k->group[i].id == group)
			return (k->group[i].key);
	}
	if (k->ngroup >= PKI_GROUPS_MAX)
		return (NULL);
	k->group = xreallocarray(k->group, k->ngroup + 1, sizeof *k->group);
	k->group[k->ngroup].id = group;
	if ((k->group[k->ngroup].key = pki_keygen(PKI_KEY_ECDSA_P256)) == NULL)
		return (NULL);
	return (k->group[k->ngroup++].key);
}

uint64_t
pki_mic_count(const struct emu_pki *k)
{
	return (k->mics);
}

/*
 * The trust store of a phone: the root, plus its custom CA (DER) when it
 * has one.  Stores are shared by every phone that loaded the same CA.
 * Returns a reference the caller frees (X509_STORE_free), or NULL if the
 * DER is no certificate.
 */
X509_STORE *
pki_trust(struct emu_pki *k, const uint8_t *ca_der, size_t ca_len)
{
	uint8_t			 h[32];
	unsigned int		 hl = 0;
	const unsigned char	*p = ca_der;
	X509_STORE		*st;
	X509			*x;
	size_t			 i;

	if (ca_der == NULL || ca_len == 0) {
		X509_STORE_up_ref(k->trust);
		return (k->trust);
	}
	EVP_Digest(ca_der, ca_len, h, &hl, EVP_sha256(), NULL);
	for (i = 0; i < k->ntrust; i++) {
		if (memcmp(k->trust_cache[i].hash, h, sizeof h) == 0) {
			X509_STORE_up_ref(k->trust_cache[i].store);
			return (k->trust_cache[i].store);
		}
	}
	if (ca_len > PKI_CA_DER_MAX ||
	    (x = d2i_X509(NULL, &p, (long)ca_len)) == NULL)
		return (NULL);
	st = X509_STORE_new();
	if (st == NULL || X509_STORE_add_cert(st, k->ca[PKI_CA_ROOT].cert) != 1 ||
	    X509_STORE_add_cert(st, x) != 1) {
		X509_free(x);
		X509_STORE_free(st);
		return (NULL);
	}
	X509_free(x);
	if (k->ntrust < PKI_TRUST_CACHE) {
		memcpy(k->trust_cache[k->ntrust].hash, h, sizeof h);
		k->trust_cache[k->ntrust].store = st;
		k->ntrust++;
		X509_STORE_up_ref(st);
	}
	return (st);
}

/* The client SSL_CTX of every phone (9.6), made on first use; borrowed. */
SSL_CTX *
pki_client_ctx(struct emu_pki *k)
{
	SSL_CTX	*c;

	if (k->client != NULL)
		return (k->client);
	if ((c = SSL_CTX_new(TLS_client_method())) == NULL)
		pki_die();
	/* 9.6 ASSUMPTION: TLS 1.2 at least. */
	SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(c, TLS1_3_VERSION);
	X509_STORE_up_ref(k->trust);
	SSL_CTX_set_cert_store(c, k->trust);
	SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
	k->client = c;
	return (c);
}

/*
 * Custom_CA_Rule (16.5): the first certificate of a PEM file (or a DER
 * one) as DER.  Returns 0, or -1 with a one-line *cause.
 */
int
pki_ca_parse(const uint8_t *data, size_t len, uint8_t **der, size_t *dlen,
    char **cause)
{
	const unsigned char	*p;
	unsigned char		*q;
	BIO			*b;
	X509			*x = NULL;
	int			 n;

	*der = NULL;
	*dlen = 0;
	if (len == 0) {
		xasprintf(cause, "empty CA file");
		return (-1);
	}
	if (len > PKI_CA_PEM_MAX) {
		xasprintf(cause, "CA file over %d bytes", PKI_CA_PEM_MAX);
		return (-1);
	}
	ERR_clear_error();
	if (data[0] == 0x30) {
		p = data;
		x = d2i_X509(NULL, &p, (long)len);
	} else if (memmem(data, len, "-----BEGIN CERTIFICATE-----", 27) ==
	    NULL && memmem(data, len, "-----BEGIN TRUSTED CERTIFICATE-----",
	    35) == NULL) {
		xasprintf(cause, "no PEM certificate in the CA file");
		return (-1);
	} else {
		if ((b = BIO_new_mem_buf(data, (int)len)) == NULL)
			pki_die();
		x = PEM_read_bio_X509_AUX(b, NULL, NULL, NULL);
		BIO_free(b);
	}
	if (x == NULL) {
		pki_cause(cause, "not a certificate");
		return (-1);
	}
	n = i2d_X509(x, NULL);
	if (n <= 0 || n > PKI_CA_DER_MAX) {
		X509_free(x);
		xasprintf(cause, "CA certificate over %d bytes", PKI_CA_DER_MAX);
		return (-1);
	}
	*der = xmalloc(n);
	q = *der;
	*dlen = i2d_X509(x, &q);
	X509_free(x);
	ERR_clear_error();
	return (0);
}

/* "notAfter 2026-11-30 00:00 UTC" style dates; buf >= 24 bytes. */
const char *
pki_time_str(const ASN1_TIME *t, char *buf, size_t size)
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		pf_strlcpy(buf, "?", size);
	return (buf);
}

static int
pki_ca_new(struct emu_pki *k, const char *name, enum pki_key type,
    char **cause)
{
	struct pki_ca	*c;
	X509_NAME	*subj;
	EVP_PKEY	*key;
	X509		*x;

	if (strlen(name) > PKI_CN_MAX) {
		xasprintf(cause, "CA name over %d bytes", PKI_CN_MAX);
		return (-1);
	}
	if ((key = pki_keygen(type)) == NULL) {
		pki_cause(cause, "CA key generation failed");
		return (-1);
	}
	subj = X509_NAME_new();
	X509_NAME_add_entry_by_NID(subj, NID_organizationName,
	    V_ASN1_UTF8STRING, (const unsigned char *)"phonefleet", -1, -1, 0);
	X509_NAME_add_entry_by_NID(subj, NID_commonName, V_ASN1_UTF8STRING,
	    (const unsigned char *)name, -1, -1, 0);
	x = pki_make(k, subj, key, NULL, k->epoch - PKI_YEAR_S,
	    k->epoch + PKI_CA_YEARS * PKI_YEAR_S, 1, NULL, 0, 0, cause);
	X509_NAME_free(subj);
	if (x != NULL && X509_sign(x, key, EVP_sha256()) <= 0) {
		X509_free(x);
		x = NULL;
		pki_cause(cause, "cannot sign the CA");
	}
	if (x == NULL) {
		EVP_PKEY_free(key);
		return (-1);
	}
	k->ca = xreallocarray(k->ca, k->nca + 1, sizeof *k->ca);
	c = &k->ca[k->nca];
	c->name = xstrdup(name);
	c->cert = x;
	c->key = key;
	c->pem = NULL;
	return ((int)k->nca++);
}

static EVP_PKEY *
pki_keygen(enum pki_key type)
{
	switch (type) {
	case PKI_KEY_RSA_2048:
		return (EVP_RSA_gen(2048));
	case PKI_KEY_ECDSA_P256:
		return (EVP_EC_gen("P-256"));
	}
	return (NULL);
}

/*
 * One certificate, signed by ca (NULL: left unsigned, the caller signs it
 * with its own key).  Serials are deterministic from the seed.
 */
static X509 *
pki_make(struct emu_pki *k, X509_NAME *subj, EVP_PKEY *key,
    const struct pki_ca *ca, int64_t nb, int64_t na, int is_ca,
    const char *const *dns, int ndns, int client, char **cause)
{
	X509		*x;
	ASN1_INTEGER	*sn;
	GENERAL_NAMES	*gens = NULL;
	GENERAL_NAME	*g;
	ASN1_IA5STRING	*ia5;
	int		 i;

	if ((x = X509_new()) == NULL)
		pki_die();
	X509_set_version(x, 2);
	sn = X509_get_serialNumber(x);
	ASN1_INTEGER_set_int64(sn,
	    (int64_t)(pki_mix(k->seed ^ ++k->serial) >> 2) + 1);
	if (ASN1_TIME_set(X509_getm_notBefore(x), (time_t)nb) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), (time_t)na) == NULL)
		goto bad;
	X509_set_subject_name(x, subj);
	X509_set_issuer_name(x, ca != NULL ?
	    X509_get_subject_name(ca->cert) : subj);
	X509_set_pubkey(x, key);
	if (is_ca) {
		if (pki_ext(x, NULL, NID_basic_constraints, "critical,CA:TRUE") ||
		    pki_ext(x, NULL, NID_key_usage, "critical,keyCertSign,cRLSign") ||
		    pki_ext(x, NULL, NID_subject_key_identifier, "hash"))
			goto bad;
	} else {
		if (pki_ext(x, NULL, NID_basic_constraints, "CA:FALSE") ||
		    pki_ext(x, NULL, NID_ext_key_usage, client ? "clientAuth" :
		    "serverAuth"))
			goto bad;
	}
	if (ndns > 0) {
		gens = sk_GENERAL_NAME_new_null();
		for (i = 0; i < ndns; i++) {
			g = GENERAL_NAME_new();
			ia5 = ASN1_IA5STRING_new();
			ASN1_STRING_set(ia5, dns[i], -1);
			GENERAL_NAME_set0_value(g, GEN_DNS, ia5);
			sk_GENERAL_NAME_push(gens, g);
		}
		if (X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0,
		    X509V3_ADD_DEFAULT) != 1) {
			GENERAL_NAMES_free(gens);
			goto bad;
		}
		GENERAL_NAMES_free(gens);
	}
	if (ca != NULL && X509_sign(x, ca->key, EVP_sha256()) <= 0)
		goto bad;
	return (x);
bad:
	X509_free(x);
	pki_cause(cause, "cannot build the certificate");
	return (NULL);
}

static int
pki_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX	 v;
	X509_EXTENSION	*e;
	int		 rc;

	X509V3_set_ctx(&v, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	if ((e = X509V3_EXT_conf_nid(NULL, &v, nid, value)) == NULL)
		return (-1);
	rc = X509_add_ext(x, e, -1) == 1 ? 0 : -1;
	X509_EXTENSION_free(e);
	return (rc);
}

/* what, and OpenSSL's reason if it left one. */
static void
pki_cause(char **cause, const char *what)
{
	unsigned long	e = ERR_peek_last_error();
	const char	*r = e != 0 ? ERR_reason_error_string(e) : NULL;

	if (cause != NULL) {
		if (r != NULL)
			xasprintf(cause, "%s: %s", what, r);
		else
			xasprintf(cause, "%s", what);
	}
	ERR_clear_error();
}

static uint64_t
pki_mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

/* OpenSSL could not allocate: out of memory is fatal (STYLE.md 4). */
static void
pki_die(void)
{
	abort();
}
