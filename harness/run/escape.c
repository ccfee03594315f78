// SPDX-License-Identifier: MIT
/* Escaping for the XML and HTML reports (html.h): one place, so the
 * JUnit report, the page and its pictures escape alike. */
#include <stdio.h>

#include "html.h"

/* XML-escape s into f; control bytes but newline are dropped. */
void report_xml_str(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n')
				fputc(*s, f);
		}
	}
}
