// SPDX-License-Identifier: MIT
/* The TUN ioctls of the `ioctl` step (tunioctl.h). */
#include "tunioctl.h"

const struct tun_ioctl_def tun_ioctls[TI_N] = {
	[TI_GETIFF] = { "TUNGETIFF", TA_NONE, false, true, &bits_tun, "" },
	[TI_GETFEATURES] = { "TUNGETFEATURES", TA_NONE, false, true, &bits_tun,
			     "" },
	[TI_SETIFF] = { "TUNSETIFF", TA_TUNFLAGS, true, false, NULL,
			"[FLAGS]" },
	[TI_SETQUEUE] = { "TUNSETQUEUE", TA_TUNFLAGS, false, false, NULL,
			  "FLAGS" },
	[TI_SETPERSIST] = { "TUNSETPERSIST", TA_BOOL, false, false, NULL,
			    "on|off" },
	[TI_SETCARRIER] = { "TUNSETCARRIER", TA_BOOL, false, false, NULL,
			    "on|off" },
	[TI_SETSNDBUF] = { "TUNSETSNDBUF", TA_NUM, false, false, NULL, "N" },
	[TI_GETSNDBUF] = { "TUNGETSNDBUF", TA_NONE, false, true, NULL, "" },
	[TI_SETOFFLOAD] = { "TUNSETOFFLOAD", TA_OFFLOAD, false, false, NULL,
			    "FLAGS" },
	[TI_SETTXFILTER] = { "TUNSETTXFILTER", TA_MACS, false, false, NULL,
			     "none|MAC[,MAC]..." },
	[TI_SETVNETHDRSZ] = { "TUNSETVNETHDRSZ", TA_NUM, false, false, NULL,
			      "N" },
	[TI_GETVNETHDRSZ] = { "TUNGETVNETHDRSZ", TA_NONE, false, true, NULL,
			      "" },
	[TI_SETIFINDEX] = { "TUNSETIFINDEX", TA_NUM, false, false, NULL, "N" },
	[TI_SETOWNER] = { "TUNSETOWNER", TA_NUM, false, false, NULL, "UID" },
	[TI_SETGROUP] = { "TUNSETGROUP", TA_NUM, false, false, NULL, "GID" },
	[TI_SETLINK] = { "TUNSETLINK", TA_NUM, false, false, NULL, "ARPHRD" },
	[TI_SETNOCSUM] = { "TUNSETNOCSUM", TA_BOOL, false, false, NULL,
			   "on|off" },
};
