/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The world of `phonefleet phone`: one phone in a network.  The network is
 * a scenario's (its sites, servers, DNS, clouds and PKI) or the desk below;
 * its phone groups and timeline are replaced by the one phone, which
 * powers on at 0.  The XML is rewritten with libxml2 and loaded as any
 * scenario is, so a network the loader refuses is refused the same way.
 */

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "fleet.h"

/*
 * The desk: an office network where a phone out of its box finds nothing
 * to provision from, so EDOS answers Unavailable and it shows the
 * activation-code screen (B19); the GDS knows one code, and the server
 * has a profile per MAC for a rule typed on the keypad (docs/ui.md).
 */
static const char scenario_desk[] =
"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
"<scenario name=\"desk\" seed=\"1\" duration=\"1d\">\n"
"  <description>One phone on a desk: DHCP, DNS, a provisioning server, "
"EDOS and GDS</description>\n"
"  <site name=\"desk\" subnet=\"10.0.0.0/24\" gateway=\"10.0.0.1\" "
"latency=\"2ms\">\n"
"    <dhcp server=\"10.0.0.1\" domain=\"example.com\">\n"
"      <dns>10.0.0.2</dns>\n"
"    </dhcp>\n"
"  </site>\n"
"  <pki>\n"
"    <cert name=\"prov\" names=\"prov.example.com\"/>\n"
"  </pki>\n"
"  <server name=\"prov\" address=\"10.0.0.5\" http=\"80\" https=\"443\" "
"tftp=\"69\" cert=\"prov\">\n"
"    <template path=\"/cfg/*.xml\"><![CDATA[<flat-profile>\n"
"  <Station_Name>SEP{{MAC}}</Station_Name>\n"
"  <GPP_A>configured</GPP_A>\n"
"  <Resync_Periodic>3600</Resync_Periodic>\n"
"</flat-profile>]]></template>\n"
"    <template path=\"/gds/*.xml\"><![CDATA[<flat-profile>\n"
"  <Station_Name>SEP{{MAC}}</Station_Name>\n"
"  <GPP_A>activated</GPP_A>\n"
"  <Profile_Rule>https://prov.example.com/cfg/$MA.xml</Profile_Rule>\n"
"</flat-profile>]]></template>\n"
"  </server>\n"
"  <dns-server address=\"10.0.0.2\">\n"
"    <a name=\"prov.example.com\" address=\"10.0.0.5\"/>\n"
"  </dns-server>\n"
"  <edos name=\"edos\" address=\"10.0.0.10\">\n"
"    <device default=\"yes\"/>\n"
"  </edos>\n"
"  <gds name=\"gds\" address=\"10.0.0.11\">\n"
"    <code digits=\"1234567812345678\" "
"rule=\"https://prov.example.com/gds/$MA.xml\"/>\n"
"  </gds>\n"
"</scenario>\n";

static void
scenario_phone_strip(xmlNodePtr root)
{
	xmlNodePtr	n, next;

	for (n = root->children; n != NULL; n = next) {
		next = n->next;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrcmp(n->name, BAD_CAST "phones") == 0 ||
		    xmlStrcmp(n->name, BAD_CAST "timeline") == 0) {
			xmlUnlinkNode(n);
			xmlFreeNode(n);
		}
	}
}

/* The first <site>'s name, or NULL. */
static const xmlChar *
scenario_phone_site(xmlNodePtr root, xmlChar **owned)
{
	xmlNodePtr	n;

	for (n = root->children; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE &&
		    xmlStrcmp(n->name, BAD_CAST "site") == 0)
			return (*owned = xmlGetProp(n, BAD_CAST "name"));
	}
	return (NULL);
}

struct scenario *
scenario_phone(const char *path, const struct scenario_phone_opts *po,
    FILE *errf)
{
	struct scenario	*sc = NULL;
	xmlDocPtr	 doc;
	xmlNodePtr	 root, ph;
	xmlChar		*buf = NULL, *site_owned = NULL;
	const xmlChar	*site;
	char		*dir = NULL, *name;
	int		 len;

	if (path == NULL) {
		doc = xmlReadMemory(scenario_desk, sizeof scenario_desk - 1,
		    "desk", NULL, XML_PARSE_NONET);
		name = xstrdup("(the desk network)");
	} else {
		/* The loader has the last word on the file: load it first. */
		if ((sc = scenario_load(path, errf)) == NULL)
			return (NULL);
		scenario_free(sc);
		sc = NULL;
		doc = xmlReadFile(path, NULL, XML_PARSE_NONET |
		    XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
		name = xstrdup(path);
		dir = xstrdup(path);
	}
	if (doc == NULL || (root = xmlDocGetRootElement(doc)) == NULL) {
		fprintf(errf, "%s: not a well-formed XML document\n", name);
		goto out;
	}
	scenario_phone_strip(root);
	if (po->site != NULL)
		site = BAD_CAST po->site;
	else if ((site = scenario_phone_site(root, &site_owned)) == NULL) {
		fprintf(errf, "%s: no <site> to put the phone in\n", name);
		goto out;
	}
	ph = xmlNewChild(root, NULL, BAD_CAST "phones", NULL);
	xmlNewProp(ph, BAD_CAST "name", BAD_CAST "phone");
	xmlNewProp(ph, BAD_CAST "count", BAD_CAST "1");
	xmlNewProp(ph, BAD_CAST "site", site);
	xmlNewProp(ph, BAD_CAST "mac", BAD_CAST (po->mac != NULL ? po->mac :
	    SCN_PHONE_MAC));
	if (po->model != NULL)
		xmlNewProp(ph, BAD_CAST "model", BAD_CAST po->model);
	if (po->firmware != NULL)
		xmlNewProp(ph, BAD_CAST "firmware", BAD_CAST po->firmware);
	xmlDocDumpMemory(doc, &buf, &len);
	if (buf == NULL) {
		fprintf(stderr, "phonefleet: out of memory\n");
		abort();
	}
	sc = scenario_load_mem(name, (const char *)buf, (size_t)len,
	    dir != NULL ? dirname(dir) : NULL, errf);
out:
	xmlFree(buf);
	xmlFree(site_owned);
	if (doc != NULL)
		xmlFreeDoc(doc);
	free(dir);
	free(name);
	return (sc);
}
