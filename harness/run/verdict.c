// SPDX-License-Identifier: MIT
/* Verdict names (see verdict.h). */
#include "verdict.h"

const char *verdict_name(enum verdict v)
{
	static const char *const names[VERDICT_COUNT] = {
		"pass", "fail",	 "xfail",   "xpass",
		"skip", "error", "timeout", "interrupted",
	};

	return v < VERDICT_COUNT ? names[v] : "?";
}
