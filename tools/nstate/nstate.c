/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tools/nstate: a nested-state blob in KVM's format (docs/nested-state.md)
 * on the host.
 *
 *   nstate decode FILE    the header and every vmcs12 field by name, and
 *                         the verdict of the validation L0's
 *                         nested_state_set() applies (nested/nstate.c)
 *   nstate replay FILE    the same, then the VM-entry checks L0 runs
 *                         (nested/checks*.c) on the blob's vmcs12, with the
 *                         capabilities L1 gets on a Bochs model (--model,
 *                         default corei7_skylake_x; sapphire_rapids has
 *                         5-level paging), and the vmcs02 L0 would build
 *                         from it there
 *                         (nested/vmcs02.c through its host seam,
 *                         nested/vmcs02_out.h; l0_host.c is the rest of L0)
 *
 *   nstate raw FILE OUT   the blob's bytes into OUT (e.g. from a log, for
 *                         KVM_SET_NESTED_STATE)
 *
 * FILE is a raw blob (KVM_GET_NESTED_STATE's bytes) or a serial log with a
 * vCPU stop's dump ("nstate I/N BASE64" lines; the last complete one).
 * Options: --all (zero fields too), --phys-bits N (L1's width, default 40),
 * --model corei7_skylake_x|sapphire_rapids (replay's CPU).
 * Exit status: 0 valid (replay: and the checks pass), 1 refused, 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base64.h"
#include "lib/log.h"
#include "nested/internal.h" /* nested_la57 (l0_host.c) */
#include "nested/nstate.h"
#include "nested/vcaps12.h"
#include "nested/vmcs02_out.h"
#include "tests/unit/bochs_msrs.h"
#include "tools/nstate/l0_host.h"
#include "vmx/controls.h"

static uint8_t blob[NSTATE_MAX_SIZE];
static size_t blob_len;
static bool all_fields;
static unsigned phys_bits = 40;

/* The CPU the replay runs on (tests/unit/bochs_msrs.h). */
static const struct {
	const char *name;
	const struct vmx_msrs *msrs;
	bool la57; /* CPUID.(7,0):ECX[16] */
} models[] = {
	{"corei7_skylake_x", &bochs_skylake_x, false},
	{"sapphire_rapids", &bochs_sapphire_rapids, true},
};
static unsigned model;

static void sink(enum log_level level, const char *line, size_t len)
{
	(void)level;
	fprintf(stderr, "  (L0's log) %.*s\n", (int)len, line);
}

/* "nstate I/N BASE64" lines: the chunks of the last complete dump. */
static bool from_log(const char *text)
{
	static uint8_t part[NSTATE_MAX_SIZE];
	size_t have = 0;
	unsigned want = 1;
	bool done = false;

	for (const char *p = text; (p = strstr(p, "nstate ")); p++) {
		unsigned i, n;
		int used = 0;
		size_t len = 0, got;

		if (sscanf(p, "nstate %u/%u %n", &i, &n, &used) != 2 || !used)
			continue;
		while (p[used + len] && p[used + len] != '\n' &&
		       p[used + len] != '\r')
			len++;
		if (i == 1)
			have = 0, want = 1;
		if (i != want || !base64_decode(p + used, len, part + have,
						sizeof(part) - have, &got))
			continue;
		have += got;
		want++;
		if (i == n) {
			memcpy(blob, part, have);
			blob_len = have;
			done = true;
		}
	}
	return done;
}

static bool load(const char *path)
{
	static char text[1 << 22];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		return false;
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	if (from_log(text))
		return true;
	if (n > sizeof(blob))
		n = sizeof(blob);
	memcpy(blob, text, n);
	blob_len = n;
	return true;
}

static void print_header(void)
{
	struct nstate_hdr h;

	memset(&h, 0, sizeof(h));
	memcpy(&h, blob, blob_len < sizeof(h) ? blob_len : sizeof(h));
	printf("blob: %zu bytes\n", blob_len);
	printf("flags 0x%x%s%s%s%s format %u size %u\n", h.flags,
	       h.flags & NSTATE_GUEST_MODE ? " GUEST_MODE" : "",
	       h.flags & NSTATE_RUN_PENDING ? " RUN_PENDING" : "",
	       h.flags & NSTATE_EVMCS ? " EVMCS" : "",
	       h.flags & NSTATE_MTF_PENDING ? " MTF_PENDING" : "", h.format,
	       h.size);
	printf("vmxon_pa 0x%llx vmcs12_pa 0x%llx smm.flags 0x%x vmx.flags "
	       "0x%x preemption_timer_deadline 0x%llx\n",
	       (unsigned long long)h.vmxon_pa, (unsigned long long)h.vmcs12_pa,
	       h.smm_flags, h.vmx_flags,
	       (unsigned long long)h.preemption_timer_deadline);
}

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* One image as it lies in the blob, field by field (valid or not). */
static void print_image(const char *what, size_t at)
{
	struct nstate_field f;

	if (blob_len < at + NSTATE_VMCS12_SIZE)
		return;
	const uint8_t *img = blob + at;

	printf("%s: revision 0x%x abort 0x%x launch_state %u\n", what,
	       (unsigned)le(img, 4), (unsigned)le(img + 4, 4),
	       (unsigned)le(img + 8, 4));
	for (unsigned i = 0; nstate_kvm_field(i, &f); i++) {
		uint64_t v = le(img + f.offset, f.size);

		if (v || all_fields)
			printf("  %-30s 0x%llx\n", f.name,
			       (unsigned long long)v);
	}
}

#define PAT_POWER_ON 0x0007040600070406ull /* SDM Vol. 3A 13.12.4 */
#define EFER_LME_LMA 0x500ull

/*
 * L1's own values where vmcs12 does not load them: not in the blob (they
 * are vmcs01's, KVM's other ioctls). Taken as L1 would have them at the
 * next VM exit: DR7 and DEBUGCTL at reset, PAT at power-on, EFER vmcs12's
 * host EFER (or LME|LMA for a 64-bit host without it).
 */
static void l1_values(const struct vmcs12 *c, struct vmcs02_l1 *l1)
{
	uint32_t exit12 = (uint32_t)vmcs12_get(c, VM_EXIT_CONTROLS);

	memset(l1, 0, sizeof(*l1));
	l1->dr7 = 0x400;
	l1->pat = PAT_POWER_ON;
	if (exit12 & EXIT_LOAD_IA32_EFER)
		l1->efer = vmcs12_get(c, HOST_IA32_EFER);
	else if (exit12 & EXIT_HOST_ADDR_SPACE_SIZE)
		l1->efer = EFER_LME_LMA;
}

static bool is_host_field(uint32_t f)
{
	for (unsigned i = 0; i < VMCS02_NHOST; i++)
		if (vmcs02_host_field(i) == (enum vmcs_field)f)
			return true;
	return false;
}

/* Each field as written, and where it differs from vmcs12's. */
static void print_vmcs02(const struct vmcs12 *c, const struct vmcs02_image *img)
{
	printf("vmcs02: %u fields (L0's EPT02 root taken as 0x%llx, VPID02 as "
	       "0x%x)\n",
	       img->n, (unsigned long long)L0_HOST_EPT02_ROOT, L0_HOST_VPID02);
	for (unsigned i = 0; i < img->n; i++) {
		uint32_t f = img->field[i];
		const char *name = vmcs_field_name(f);
		uint64_t v = img->value[i], v12 = 0;
		enum vmcs12_status st =
		    vmcs12_vmread(c, f, &v12);

		if (is_host_field(f)) {
			printf("  %-30s L0's own (vmcs01's)\n", name);
			continue;
		}
		if (f == MSR_BITMAP || f == IO_BITMAP_A || f == IO_BITMAP_B) {
			/* a host address here: L0's page, or L1's by address */
			printf("  %-30s %s\n", name,
			       f == MSR_BITMAP
				   ? "L0's page: L0's MSR bitmap OR vmcs12's"
				   : "L0's all-ones page (vmcs12's is not RAM "
				     "offline)");
			continue;
		}
		printf("  %-30s 0x%llx", name, (unsigned long long)v);
		if (st == VMCS12_OK && v == v12)
			printf(" = vmcs12");
		else if (st == VMCS12_OK)
			printf(" (vmcs12 0x%llx)", (unsigned long long)v12);
		printf("\n");
	}
}

static int replay(const struct nstate *s)
{
	static struct vmx_msrs caps;
	static struct vcpu vcpu;
	static struct vmcs02_image img;
	struct vmcs02_l1 l1;
	struct check_env env = {.caps = &caps, .phys_bits = phys_bits};
	struct nstate t = *s;
	struct nstate_result r;

	if (!s->has_vmcs12) {
		printf("replay: no current VMCS, nothing to enter\n");
		return 0;
	}
	nested_la57 = models[model].la57;
	env.la57 = models[model].la57;
	vcaps12_compute(models[model].msrs, &caps);
	env.l1_long_mode =
	    vmcs12_get(s->vmcs12, VM_EXIT_CONTROLS) & EXIT_HOST_ADDR_SPACE_SIZE;
	/* the checks as VMLAUNCH/VMRESUME of this vmcs12 would run them */
	t.flags |= NSTATE_GUEST_MODE;
	r = nstate_check_entry(&t, &env);
	printf("replay: VM-entry checks (Bochs %s capabilities, "
	       "%u-bit addresses, no L1 memory): %s\n",
	       models[model].name, phys_bits, r.err ? r.detail : "pass");
	if (r.err)
		return 1;
	l1_values(s->vmcs12, &l1);
	if (!l0_host_setup(models[model].msrs, &vcpu) ||
	    !vmcs02_build_image(&vcpu, s->vmcs12, &l1, &img)) {
		printf("replay: vmcs02 not built (L0's set-up failed)\n");
		return 1;
	}
	printf("replay: vmcs02 as L0 on Bochs %s builds it (L1's "
	       "DR7 0x%llx DEBUGCTL 0 PAT 0x%llx EFER 0x%llx and TSC offset 0 "
	       "assumed: not in the blob)\n",
	       models[model].name, (unsigned long long)l1.dr7, (unsigned long long)l1.pat,
	       (unsigned long long)l1.efer);
	print_vmcs02(s->vmcs12, &img);
	return 0;
}

static int raw(const char *in, const char *out)
{
	FILE *f;

	if (!load(in))
		return 2;
	f = fopen(out, "wb");
	if (!f || fwrite(blob, 1, blob_len, f) != blob_len || fclose(f)) {
		perror(out);
		return 2;
	}
	printf("%zu bytes\n", blob_len);
	return 0;
}

static bool pick_model(const char *name)
{
	for (unsigned k = 0; k < sizeof(models) / sizeof(models[0]); k++)
		if (!strcmp(name, models[k].name)) {
			model = k;
			return true;
		}
	return false;
}

static int usage(void)
{
	fprintf(stderr, "usage: nstate decode|replay FILE [--all] "
			"[--phys-bits N] [--model corei7_skylake_x|"
			"sapphire_rapids] | nstate raw FILE OUT\n");
	return 2;
}

int main(int argc, char **argv)
{
	static struct vmcs12 cur, shadow;
	struct nstate s = {.vmcs12 = &cur, .shadow = &shadow};
	struct nstate_result r;
	bool do_replay, ok = true;

	if (argc == 4 && !strcmp(argv[1], "raw"))
		return raw(argv[2], argv[3]);
	if (argc < 3)
		return usage();
	do_replay = !strcmp(argv[1], "replay");
	if (!do_replay && strcmp(argv[1], "decode"))
		return usage();
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--all"))
			all_fields = true;
		else if (!strcmp(argv[i], "--phys-bits") && i + 1 < argc)
			phys_bits = (unsigned)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--model") && i + 1 < argc)
			ok = pick_model(argv[++i]);
		else
			return usage();
		if (!ok)
			return usage();
	}
	log_setup(sink, NULL, LOG_INFO);
	if (!load(argv[2]))
		return 2;
	print_header();
	print_image("vmcs12", NSTATE_HDR_SIZE);
	print_image("shadow_vmcs12", NSTATE_HDR_SIZE + NSTATE_VMCS12_SIZE);
	r = nstate_decode(blob, blob_len, phys_bits, &s);
	if (r.err) {
		printf("verdict: refused: %s: %s\n", nstate_err_name(r.err),
		       r.detail);
		return 1;
	}
	printf("verdict: valid\n");
	return do_replay ? replay(&s) : 0;
}
