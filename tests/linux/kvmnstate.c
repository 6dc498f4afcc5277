// SPDX-License-Identifier: Apache-2.0
/*
 * kvmnstate: Matryoshka's nested-state format against real KVM
 * (docs/nested-state.md). Run on bare Bochs, where Linux's KVM is L0 with
 * nested=1: a 64-bit KVM guest does VMXON, VMCLEAR, VMPTRLD and VMWRITEs,
 * i.e. it is in VMX operation with a current VMCS.
 *
 *  1. KVM_GET_NESTED_STATE: the blob is validated with Matryoshka's
 *     nstate_decode() (nested/nstate.c) and printed as "nstate I/N BASE64"
 *     lines, which tools/nstate decodes from the serial log; the fields the
 *     guest wrote must read back by name.
 *  2. KVM_SET_NESTED_STATE with a blob made by Matryoshka's encoder
 *     (nstate_encode(), what nested_state_get() uses) for the same
 *     addresses and other field values; the guest goes on and VMREADs
 *     them: KVM must give back Matryoshka's values.
 *  3. The guest then VMLAUNCHes an L2 of its own, whose OUT KVM gives to
 *     us (L1 did not ask for I/O exits): KVM_GET_NESTED_STATE in guest
 *     mode, validated and dumped as in 1; L2's VMCALL then reaches L1.
 *  4. If the image holds /nstate-l0.bin (a guest-mode blob that a running
 *     Matryoshka printed, tests/system/t-nstate.sh): KVM_SET_NESTED_STATE
 *     with it, and KVM_GET_NESTED_STATE must give back guest mode and
 *     its vmcs12's fields. The vCPU is not run after that: its memory is
 *     this program's, not the L1 the blob came from.
 *
 * Output: "LINUX-KVM-NSTATE: " lines, then PASS or FAIL <why>. Built
 * static with nested/nstate.c and the pure files it needs
 * (tests/linux/build-image.sh); run by init.sh when the kernel command
 * line has mk_nstate.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/base64.h"
#include "lib/log.h"
#include "nested/nstate.h"

#define MEM_SIZE   0x20000u
#define CODE	   0x1000u
#define PTRS	   0x1800u /* [0] VMXON region, [1] VMCS */
#define OUT	   0x1900u /* the guest's VMREAD results */
#define PML4	   0x3000u
#define VMXON_PA   0x6000u
#define VMCS_PA	   0x7000u
#define PORT	   0x500u
#define ENC_RIP	   0x681eu /* GUEST_RIP */
#define ENC_VPID   0x0000u
#define ENC_EXCBMP 0x4004u /* EXCEPTION_BITMAP */

/* The guest (64-bit): VMX on with a current VMCS, then two checkpoints. */
extern const uint8_t guest_start[], guest_end[], kn_l1_exit[], kn_l2_code[];
__asm__(
    ".pushsection .rodata\n"
    "guest_start:\n"
    "	vmxon 0x1800\n"
    "	vmclear 0x1808\n"
    "	vmptrld 0x1808\n"
    "	mov $0x681e, %rax\n"
    "	mov $0x123456789a, %rbx\n"
    "	vmwrite %rbx, %rax\n"
    "	mov $0x0000, %rax\n"
    "	mov $0x42, %rbx\n"
    "	vmwrite %rbx, %rax\n"
    "	mov $0x4004, %rax\n"
    "	mov $0x60000, %rbx\n"
    "	vmwrite %rbx, %rax\n"
    "	mov $0x500, %dx\n"
    "	mov $1, %al\n"
    "	out %al, %dx\n" /* checkpoint 1: get */
    "	mov $0x681e, %rax\n"
    "	vmread %rax, %rbx\n"
    "	mov %rbx, 0x1900\n"
    "	mov $0x0000, %rax\n"
    "	vmread %rax, %rbx\n"
    "	mov %rbx, 0x1908\n"
    "	mov $0x4004, %rax\n"
    "	vmread %rax, %rbx\n"
    "	mov %rbx, 0x1910\n"
    "	pushf\n"
    "	pop %rbx\n"
    "	mov %rbx, 0x1918\n" /* VMfail flags of the last VMREAD */
    "	mov $2, %al\n"
    "	out %al, %dx\n" /* checkpoint 2: the values after set */
    /* a full vmcs12 from the host's table (encoding, value; -1 ends) */
    "	mov $0x2000, %rsi\n"
    "1:	mov (%rsi), %rax\n"
    "	cmp $-1, %rax\n"
    "	je 2f\n"
    "	mov 8(%rsi), %rbx\n"
    "	vmwrite %rbx, %rax\n"
    "	jbe 3f\n"
    "	add $16, %rsi\n"
    "	jmp 1b\n"
    "2:	vmlaunch\n"
    "3:	pushf\n" /* VMWRITE or VMLAUNCH failed */
    "	pop %rbx\n"
    "	mov %rbx, 0x1920\n"
    "	mov %rax, 0x1928\n"
    "	mov $0x4400, %rax\n"
    "	vmread %rax, %rbx\n"
    "	mov %rbx, 0x1930\n"
    "	mov $0x500, %dx\n"
    "	mov $9, %al\n"
    "	out %al, %dx\n"
    "	hlt\n"
    "kn_l1_exit:\n" /* host RIP: L2's exit to L1 */
    "	mov $0x4402, %rax\n"
    "	vmread %rax, %rbx\n"
    "	mov %rbx, 0x1938\n"
    "	mov $0x500, %dx\n"
    "	mov $4, %al\n"
    "	out %al, %dx\n" /* checkpoint 4: back in L1 */
    "	hlt\n"
    "kn_l2_code:\n" /* L2 */
    "	mov $0x501, %dx\n"
    "	mov $3, %al\n"
    "	out %al, %dx\n" /* checkpoint 3: KVM exits to us in guest mode */
    "	vmcall\n"
    "guest_end:\n"
    ".popsection\n");

static int fails;

static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("LINUX-KVM-NSTATE: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fails++;                                               \
			say("FAIL " __VA_ARGS__);                              \
		}                                                              \
	} while (0)

static void log_sink(enum log_level level, const char *line, size_t len)
{
	(void)level;
	say("(checks) %.*s", (int)len, line);
}

static int kvm, vm, vcpu;
static struct kvm_run *run;
static uint8_t *mem;

static int must(int r, const char *what)
{
	if (r < 0) {
		say("FAIL %s: %s", what, strerror(errno));
		exit(1);
	}
	return r;
}

static uint64_t get_msr(uint32_t index)
{
	struct {
		struct kvm_msrs h;
		struct kvm_msr_entry e;
	} m = {.h.nmsrs = 1, .e.index = index};

	must(ioctl(vcpu, KVM_GET_MSRS, &m) == 1 ? 0 : -1, "KVM_GET_MSRS");
	return m.e.data;
}

static void set_msr(uint32_t index, uint64_t value)
{
	struct {
		struct kvm_msrs h;
		struct kvm_msr_entry e;
	} m = {.h.nmsrs = 1, .e = {.index = index, .data = value}};

	must(ioctl(vcpu, KVM_SET_MSRS, &m) == 1 ? 0 : -1, "KVM_SET_MSRS");
}

static void setup_cpuid(void)
{
	static struct {
		struct kvm_cpuid2 h;
		struct kvm_cpuid_entry2 e[100];
	} c = {.h.nent = 100};

	must(ioctl(kvm, KVM_GET_SUPPORTED_CPUID, &c),
	     "KVM_GET_SUPPORTED_CPUID");
	must(ioctl(vcpu, KVM_SET_CPUID2, &c), "KVM_SET_CPUID2");
}

static void seg(struct kvm_segment *s, uint16_t sel, uint8_t type, int l)
{
	*s = (struct kvm_segment){.base = 0,
				  .limit = 0xffffffff,
				  .selector = sel,
				  .type = type,
				  .present = 1,
				  .s = 1,
				  .l = (uint8_t)l,
				  .db = (uint8_t)!l,
				  .g = 1};
}

/* 64-bit mode, paging through an identity-mapped 2 MiB page, CR4.VMXE. */
static void setup_long_mode(void)
{
	struct kvm_sregs sr;
	struct kvm_regs r = {.rip = CODE, .rflags = 2, .rsp = 0x8000};
	uint64_t *pt = (uint64_t *)(mem + PML4);

	pt[0] = (PML4 + 0x1000) | 3;
	pt[512] = (PML4 + 0x2000) | 3;
	pt[1024] = 0x83; /* 2 MiB at 0 */
	must(ioctl(vcpu, KVM_GET_SREGS, &sr), "KVM_GET_SREGS");
	seg(&sr.cs, 8, 11, 1);
	seg(&sr.ds, 0x10, 3, 0);
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
	sr.tr = (struct kvm_segment){.limit = 0x67, .type = 11, .present = 1};
	sr.ldt = (struct kvm_segment){.unusable = 1};
	sr.cr3 = PML4;
	sr.cr4 = 0x2020;     /* PAE, VMXE */
	sr.cr0 = 0x80050033; /* PG, AM, WP, NE, ET, MP, PE */
	sr.efer = 0x500;     /* LMA, LME */
	must(ioctl(vcpu, KVM_SET_SREGS, &sr), "KVM_SET_SREGS");
	must(ioctl(vcpu, KVM_SET_REGS, &r), "KVM_SET_REGS");
}

/* Runs to the next OUT to PORT or PORT + 1; returns its value or -1. */
static int to_checkpoint(void)
{
	for (int i = 0; i < 100; i++) {
		must(ioctl(vcpu, KVM_RUN, 0), "KVM_RUN");
		if (run->exit_reason == KVM_EXIT_IO &&
		    (run->io.port == PORT || run->io.port == PORT + 1))
			return *((uint8_t *)run + run->io.data_offset);
		say("exit %u (not the checkpoint)", run->exit_reason);
		if (run->exit_reason != KVM_EXIT_IO)
			return -1;
	}
	return -1;
}

static void print_dump(const uint8_t *blob, size_t n)
{
	char line[200];
	unsigned lines = (unsigned)((n + 143) / 144);

	for (unsigned i = 0; i < lines; i++) {
		size_t off = (size_t)i * 144, k = n - off < 144 ? n - off : 144;

		base64_encode(blob + off, k, line);
		say("nstate %u/%u %s", i + 1, lines, line);
	}
}

/* 1: KVM's blob, read with Matryoshka's decoder. */
static void kvm_to_matryoshka(size_t max)
{
	struct kvm_nested_state *st = calloc(1, max);
	static struct vmcs12 cur, shadow;
	struct nstate s = {.vmcs12 = &cur, .shadow = &shadow};
	struct nstate_result r;

	st->size = (uint32_t)max;
	must(ioctl(vcpu, KVM_GET_NESTED_STATE, st), "KVM_GET_NESTED_STATE");
	say("KVM_GET_NESTED_STATE: flags 0x%x format %u size %u vmxon_pa "
	    "0x%llx "
	    "vmcs12_pa 0x%llx",
	    st->flags, st->format, st->size,
	    (unsigned long long)st->hdr.vmx.vmxon_pa,
	    (unsigned long long)st->hdr.vmx.vmcs12_pa);
	print_dump((const uint8_t *)st, st->size);
	r = nstate_decode(st, st->size, 39, &s);
	say("Matryoshka's validation of KVM's blob: %s",
	    r.err ? r.detail : "valid");
	CHECK(!r.err, "KVM's blob refused: %s", r.detail);
	CHECK(st->hdr.vmx.vmxon_pa == VMXON_PA &&
		  st->hdr.vmx.vmcs12_pa == VMCS_PA,
	      "addresses");
	if (!r.err) {
		CHECK(vmcs12_get(&cur, GUEST_RIP) == 0x123456789aull,
		      "GUEST_RIP 0x%llx",
		      (unsigned long long)vmcs12_get(&cur, GUEST_RIP));
		CHECK(vmcs12_get(&cur, VPID) == 0x42, "VPID");
		CHECK(vmcs12_get(&cur, EXCEPTION_BITMAP) == 0x60000,
		      "EXCEPTION_BITMAP");
		say("decoded: GUEST_RIP 0x%llx VPID 0x%llx EXCEPTION_BITMAP "
		    "0x%llx",
		    (unsigned long long)vmcs12_get(&cur, GUEST_RIP),
		    (unsigned long long)vmcs12_get(&cur, VPID),
		    (unsigned long long)vmcs12_get(&cur, EXCEPTION_BITMAP));
	}
	free(st);
}

/* 2: a blob from Matryoshka's encoder into KVM. */
static void matryoshka_to_kvm(void)
{
	static struct vmcs12 cur;
	static uint8_t blob[NSTATE_MAX_SIZE];
	struct nstate s = {.vmxon_pa = VMXON_PA,
			   .vmcs12_pa = VMCS_PA,
			   .has_vmcs12 = true,
			   .vmcs12 = &cur};
	size_t n;
	const uint64_t *out = (const uint64_t *)(mem + OUT);

	vmcs12_set_revision(&cur, VMCS12_REVISION, false);
	vmcs12_set(&cur, GUEST_RIP, 0xfeedf00dull);
	vmcs12_set(&cur, VPID, 7);
	vmcs12_set(&cur, EXCEPTION_BITMAP, 0x4000);
	n = nstate_encode(&s, blob, sizeof(blob));
	say("Matryoshka's blob: %zu bytes", n);
	if (ioctl(vcpu, KVM_SET_NESTED_STATE, blob) < 0) {
		CHECK(0, "KVM_SET_NESTED_STATE refused Matryoshka's blob: %s",
		      strerror(errno));
		return;
	}
	say("KVM_SET_NESTED_STATE accepted Matryoshka's blob");
	CHECK(to_checkpoint() == 2, "the guest did not reach checkpoint 2");
	say("the guest's VMREADs after set: GUEST_RIP 0x%llx VPID 0x%llx "
	    "EXCEPTION_BITMAP 0x%llx RFLAGS 0x%llx",
	    (unsigned long long)out[0], (unsigned long long)out[1],
	    (unsigned long long)out[2], (unsigned long long)out[3]);
	CHECK(out[0] == 0xfeedf00d && out[1] == 7 && out[2] == 0x4000 &&
		  !(out[3] & 0x41),
	      "VMREAD after set did not give Matryoshka's values");
}

#define GADDR(sym) (CODE + (uint64_t)((sym)-guest_start))

/* The vmcs12 the guest writes before VMLAUNCH: a 64-bit L2 on L1's paging. */
static void write_table(void)
{
	uint32_t pin = (uint32_t)get_msr(0x48d),
		 proc = (uint32_t)get_msr(0x48e);
	uint32_t exit = (uint32_t)get_msr(0x48f),
		 entry = (uint32_t)get_msr(0x490);
	const uint64_t t[][2] = {
	    {0x4000, pin},
	    {0x4002, proc},
	    {0x400c, exit | 0x200},
	    {0x4012, entry | 0x200},
	    {0x4004, 0},
	    {0x401e, 0},
	    {0x6c00, 0x80050033},
	    {0x6c02, PML4},
	    {0x6c04, 0x2020},
	    {0x0c00, 0x10},
	    {0x0c02, 8},
	    {0x0c04, 0x10},
	    {0x0c06, 0x10},
	    {0x0c08, 0},
	    {0x0c0a, 0},
	    {0x0c0c, 0x18},
	    {0x6c06, 0},
	    {0x6c08, 0},
	    {0x6c0a, 0},
	    {0x6c0c, 0},
	    {0x6c0e, 0},
	    {0x6c10, 0},
	    {0x6c12, 0},
	    {0x4c00, 0},
	    {0x6c14, 0x8000},
	    {0x6c16, GADDR(kn_l1_exit)},
	    {0x6800, 0x80050033},
	    {0x6802, PML4},
	    {0x6804, 0x2020},
	    {0x681a, 0x400},
	    {0x0802, 8},
	    {0x4802, 0xffffffff},
	    {0x4816, 0xa09b},
	    {0x6808, 0},
	    {0x0804, 0x10},
	    {0x4804, 0xffffffff},
	    {0x4818, 0xc093},
	    {0x0800, 0x10},
	    {0x4800, 0xffffffff},
	    {0x4814, 0xc093},
	    {0x0806, 0x10},
	    {0x4806, 0xffffffff},
	    {0x481a, 0xc093},
	    {0x481c, 0x10000},
	    {0x481e, 0x10000},
	    {0x4820, 0x10000},
	    {0x080e, 0x18},
	    {0x480e, 0x67},
	    {0x4822, 0x8b},
	    {0x6814, 0},
	    {0x4810, 0},
	    {0x4812, 0},
	    {0x6816, 0},
	    {0x6818, 0},
	    {0x681c, 0x9000},
	    {0x681e, GADDR(kn_l2_code)},
	    {0x6820, 2},
	    {0x2800, ~0ull},
	    {0x4824, 0},
	    {0x4826, 0},
	    {0x6822, 0},
	    {0x4016, 0},
	    {~0ull, 0},
	};

	memcpy(mem + 0x2000, t, sizeof(t));
}

/* 3: KVM's blob while the guest's own L2 runs (GUEST_MODE). */
static void guest_mode(size_t max)
{
	struct kvm_nested_state *st = calloc(1, max);
	static struct vmcs12 cur, shadow;
	struct nstate s = {.vmcs12 = &cur, .shadow = &shadow};
	struct nstate_result r;
	const uint64_t *out = (const uint64_t *)(mem + OUT);
	int c;

	write_table();
	c = to_checkpoint();
	if (c != 3) {
		CHECK(
		    0,
		    "the guest's L2 did not run (checkpoint %d, flags 0x%llx, "
		    "encoding 0x%llx, VM-instruction error %llu)",
		    c, (unsigned long long)out[4], (unsigned long long)out[5],
		    (unsigned long long)out[6]);
		return;
	}
	say("the guest's L2 runs (an OUT KVM gives us, not L1)");
	st->size = (uint32_t)max;
	must(ioctl(vcpu, KVM_GET_NESTED_STATE, st), "KVM_GET_NESTED_STATE");
	say("KVM_GET_NESTED_STATE in guest mode: flags 0x%x size %u", st->flags,
	    st->size);
	print_dump((const uint8_t *)st, st->size);
	r = nstate_decode(st, st->size, 39, &s);
	say("Matryoshka's validation of KVM's guest-mode blob: %s",
	    r.err ? r.detail : "valid");
	CHECK(st->flags & KVM_STATE_NESTED_GUEST_MODE, "not in guest mode");
	CHECK(!r.err, "KVM's guest-mode blob refused: %s", r.detail);
	if (!r.err)
		say("decoded: GUEST_RIP 0x%llx (L2's code starts at 0x%llx)",
		    (unsigned long long)vmcs12_get(&cur, GUEST_RIP),
		    (unsigned long long)GADDR(kn_l2_code));
	c = to_checkpoint();
	CHECK(c == 4 && out[7] == 18,
	      "L2's VMCALL did not reach L1 (checkpoint %d, exit reason %llu)",
	      c, (unsigned long long)out[7]);
	free(st);
}

/* The vmcs12 fields step 4 compares, Matryoshka's blob against KVM's. */
static const enum vmcs_field compared[] = {
    GUEST_RIP,	  GUEST_RSP,	     GUEST_CR3,	       GUEST_CR0,
    HOST_RIP,	  HOST_CR3,	     EPT_POINTER,      PIN_BASED_VM_EXEC_CONTROL,
    VPID,	  EXCEPTION_BITMAP,  VMCS_LINK_POINTER, GUEST_CS_AR_BYTES,
};

/* 4: a guest-mode blob from a running Matryoshka into KVM. */
static void from_running_l0(size_t max)
{
	static uint8_t blob[16384];
	static struct vmcs12 a, b, sa, sb;
	struct nstate s = {.vmcs12 = &a, .shadow = &sa};
	struct nstate t = {.vmcs12 = &b, .shadow = &sb};
	struct kvm_nested_state *st = calloc(1, max);
	FILE *f = fopen("/nstate-l0.bin", "rb");
	size_t len;
	unsigned same = 0;
	struct nstate_result r;

	if (!f) {
		say("SKIP no /nstate-l0.bin: no blob from a running Matryoshka");
		free(st);
		return;
	}
	len = fread(blob, 1, sizeof(blob), f);
	fclose(f);
	r = nstate_decode(blob, len, 39, &s);
	say("the blob a running Matryoshka printed: %zu bytes, flags 0x%x, "
	    "Matryoshka's validation: %s",
	    len, ((const struct kvm_nested_state *)blob)->flags,
	    r.err ? r.detail : "valid");
	if (r.err || ioctl(vcpu, KVM_SET_NESTED_STATE, blob) < 0) {
		CHECK(0, "KVM_SET_NESTED_STATE refused Matryoshka's running-L0 "
			 "blob: %s",
		      r.err ? r.detail : strerror(errno));
		free(st);
		return;
	}
	say("KVM_SET_NESTED_STATE accepted the guest-mode blob of a running "
	    "Matryoshka");
	st->size = (uint32_t)max;
	must(ioctl(vcpu, KVM_GET_NESTED_STATE, st), "KVM_GET_NESTED_STATE");
	r = nstate_decode(st, st->size, 39, &t);
	for (unsigned i = 0; !r.err && i < sizeof(compared) / sizeof(*compared);
	     i++)
		same += vmcs12_get(&a, compared[i]) == vmcs12_get(&b, compared[i]);
	say("KVM_GET_NESTED_STATE after it: flags 0x%x size %u vmxon_pa 0x%llx "
	    "vmcs12_pa 0x%llx, GUEST_RIP 0x%llx, %u of %zu compared fields as "
	    "set",
	    st->flags, st->size, (unsigned long long)st->hdr.vmx.vmxon_pa,
	    (unsigned long long)st->hdr.vmx.vmcs12_pa,
	    (unsigned long long)vmcs12_get(&b, GUEST_RIP), same,
	    sizeof(compared) / sizeof(*compared));
	CHECK(!r.err && (st->flags & KVM_STATE_NESTED_GUEST_MODE) &&
		  same == sizeof(compared) / sizeof(*compared),
	      "KVM's state after the set is not the blob's (%s)",
	      r.err ? r.detail : "fields differ");
	free(st);
}

int main(void)
{
	int max;
	uint32_t rev;
	struct kvm_userspace_memory_region slot = {
	    .slot = 0, .guest_phys_addr = 0, .memory_size = MEM_SIZE};

	log_setup(log_sink, NULL, LOG_INFO);
	kvm = must(open("/dev/kvm", O_RDWR), "open /dev/kvm");
	max = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_NESTED_STATE);
	say("KVM_CAP_NESTED_STATE: %d bytes", max);
	if (max <= 0) {
		say("FAIL no nested state in this KVM");
		return 1;
	}
	vm = must(ioctl(kvm, KVM_CREATE_VM, 0), "KVM_CREATE_VM");
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	slot.userspace_addr = (uint64_t)(uintptr_t)mem;
	must(ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot), "memory");
	vcpu = must(ioctl(vm, KVM_CREATE_VCPU, 0), "KVM_CREATE_VCPU");
	run = mmap(NULL, (size_t)ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0),
		   PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	setup_cpuid();
	set_msr(0x3a, 5); /* IA32_FEATURE_CONTROL: locked, VMXON outside SMX */
	rev = (uint32_t)get_msr(0x480) & 0x7fffffff; /* IA32_VMX_BASIC */
	say("the guest's VMCS revision 0x%x", rev);
	memcpy(mem + CODE, guest_start, (size_t)(guest_end - guest_start));
	((uint64_t *)(mem + PTRS))[0] = VMXON_PA;
	((uint64_t *)(mem + PTRS))[1] = VMCS_PA;
	memcpy(mem + VMXON_PA, &rev, 4);
	memcpy(mem + VMCS_PA, &rev, 4);
	setup_long_mode();
	if (to_checkpoint() != 1) {
		say("FAIL the guest did not reach checkpoint 1");
		return 1;
	}
	say("the guest is in VMX operation with a current VMCS");
	kvm_to_matryoshka((size_t)max);
	matryoshka_to_kvm();
	guest_mode((size_t)max);
	from_running_l0((size_t)max);
	say(fails ? "FAIL %d check(s)" : "PASS", fails);
	return fails ? 1 : 0;
}
