/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loader options: parsed from matryoshka.cfg beside the image and then from
 * the image's load options (which win). Pure logic, unit-tested on the host.
 */
#ifndef BOOT_OPTIONS_H
#define BOOT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/log.h"

#define OPT_NEXT_MAX 256  /* bytes of next= including the NUL */
#define OPT_CPUS_MAX 1024 /* largest number cpus= accepts */
#define OPT_ERR_MAX 256   /* bytes of an error message including the NUL */

/* A deliberate fault for the system tests (docs/options.md). */
enum selftest { SELFTEST_NONE = 0, SELFTEST_FAULT = 1, SELFTEST_IOMMU = 2 };

/* DMA protection (docs/options.md, docs/security.md). */
enum iommu_mode { IOMMU_AUTO = 0, IOMMU_REQUIRED = 1, IOMMU_OFF = 2 };

#define OPT_CHECK_NAME_MAX 48 /* bytes of nested_skip_check= including the NUL */

struct options {
	uint16_t serial_port;      /* 16550 I/O base; 0 = serial=none */
	enum log_level log;        /* threshold */
	char next[OPT_NEXT_MAX];   /* next boot stage; "" = back to firmware */
	uint32_t cpus;             /* 0 = all */
	enum selftest selftest;
	/*
	 * Hardware dry run of vmcs02 before each nested entry (docs/nested.md):
	 * -1 auto (on only on bare metal), 0 off, 1 on.
	 */
	int8_t early_checks;
	/* A software VM-entry check to skip (debug); "" = none. */
	char skip_check[OPT_CHECK_NAME_MAX];
	enum iommu_mode iommu;
	/* Save, wipe and restore the nested state every Nth nested event (0 = off). */
	uint32_t nstate_stress;
	/* notify_window=: crystal-clock cycles (vmx/notify_policy.h); off = no notify exits */
	uint32_t notify_window;
	bool notify_off;
	/* split_lock=: enum sl_mode (vmx/ac_policy.h) and ratelimit:N's N */
	uint8_t split_lock;
	uint32_t split_lock_rate;
	/* exc_intercepts= (debug): L0 intercepts #AC and #DB (default true) */
	bool exc_intercepts;
};

void options_default(struct options *o);

/*
 * Applies "key=value" settings from text (len bytes, need not be
 * NUL-terminated). Settings are separated by white space or line ends; '#'
 * starts a comment that runs to the end of the line. If skip_first_word is
 * set, a first word without '=' is skipped (the shell passes the program
 * name as argv[0] in the load options).
 *
 * On the first bad setting it returns false and writes one line to err
 * naming origin, line, key and what is wrong, e.g.
 *   "matryoshka.cfg:3: unknown option 'sreial' (known: serial, log, next, cpus)"
 * Settings before the bad one stay applied; the caller throws *o away then.
 */
bool options_parse(struct options *o, const char *text, size_t len,
                   const char *origin, bool skip_first_word, char *err,
                   size_t errlen);

#endif
