// SPDX-License-Identifier: Apache-2.0
/*
 * kvmbench: what one exit of a real KVM guest costs, for `make bench`
 * (tests/system/bench-kvm.sh). Run by init.sh when the kernel command line
 * has mk_bench; on bare Bochs KVM is L0 and its guest L1, on Matryoshka KVM
 * is L1 and its guest L2.
 *
 * The guest is real-mode code (below) with four loops. Each iteration is
 *
 *     rdtsc; mov esi, eax; SETUP; BODY; rdtsc; (keep the least eax - esi)
 *
 * with SETUP; BODY one of: xor eax, eax; CPUID (KVM emulates it) --
 * xor eax, eax; VMCALL (KVM's hypercall handler: function 0 is unknown to
 * it and returns -KVM_ENOSYS) -- mov dx, 0x501; OUT (no device in the
 * kernel: KVM_EXIT_IO, KVM returns to this program, which calls KVM_RUN
 * again) -- mov ecx, 100; 100 passes of dec ecx/jnz (200 instructions
 * that exit nowhere: they cost the same on both, 203 with the loop's own).
 * Bochs' RDTSC counts instructions, every instruction of every level, so
 * one iteration's TSC difference is the instructions it cost on the whole
 * machine. (Bochs adds up the count at the end of each trace, a straight
 * run of code up to a branch or an exit: two RDTSCs in one trace differ by
 * about nothing, hence the no-exit loop's inner loop.) RDTSC is taken
 * around each iteration inside the guest and the least sample is kept: a
 * timer tick of L1 that lands inside an iteration only makes that one
 * sample larger.
 *
 * L0 exits (with Matryoshka below; "-" on bare Bochs): the "vCPU exits"
 * hypercall, read through mkhc.ko's /sys/module/mkhc/parameters/vcpu_exits
 * on this CPU (the program is pinned to it), gives the exits L0 took on
 * this vCPU. A window is: read, KVM_RUN until the guest's HLT after N
 * iterations, read. The same window with no iteration (the guest starts
 * at its HLT) holds everything but the iterations: the KVM_RUN entry, the
 * HLT exit, the second read's VMCALL. So
 *
 *     L0 exits per iteration = (least exits(N) - least exits(0)) / N,
 *
 * each the least over WINDOWS windows: an L1 timer tick (or anything else
 * not caused by the loop) only makes a window larger, and the least window
 * is one that had none. How many windows had that least count is printed
 * too: it shows the count is the common case, not an outlier.
 *
 * Output, one line per loop:
 *   LINUX-KVMBENCH: set=SET flush=MODE loop=NAME insns=MIN exits=X.XX \
 *       samples=S windows=W exits_n=A (K of W) exits_0=B (K of W)
 * SET is the argument (a name for the configuration), MODE is
 * kvm_intel's vmentry_l1d_flush as the module reports it. Then
 * "LINUX-KVMBENCH: set=SET done"; a failure prints "LINUX-KVMBENCH: FAIL
 * <why>" and exits 1.
 *
 * Built with `gcc -static -O2` into the test initramfs as /bin/kvmbench.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#define GUEST_MEM_SIZE 0x10000u /* 64 KiB from guest-physical 0 */
#define GUEST_CODE 0x1000u
#define TSS_ADDR 0xfffbd000u /* as in kvmtest.c */
#define BENCH_PORT 0x501u
#define ITERS 8	  /* iterations per window */
#define WINDOWS 16 /* windows per loop and per count */
#define RUN_TIMEOUT_S 600
#define EXITS_PATH "/sys/module/mkhc/parameters/vcpu_exits"

/*
 * The guest: 16-bit code with 32-bit registers. EBP = iterations left,
 * EDI = least TSC difference so far (the caller sets both), ESI = the
 * iteration's start. CPUID changes EAX..EDX, VMCALL EAX (KVM's status),
 * RDTSC EAX and EDX, the inner loop ECX: none of EBP, EDI, ESI. Each loop ends in HLT
 * (KVM_EXIT_HLT: there is no in-kernel irqchip).
 */
__asm__(
	"	.pushsection .rodata.kvmbench_guest, \"a\"\n"
	"	.code16\n"
	"	.macro kb_body_cpuid\n"
	"	xorl %eax, %eax\n"
	"	cpuid\n"
	"	.endm\n"
	"	.macro kb_body_vmcall\n"
	"	xorl %eax, %eax\n"
	"	vmcall\n"
	"	.endm\n"
	"	.macro kb_body_io\n"
	"	movw $0x501, %dx\n"
	"	outb %al, %dx\n"
	"	.endm\n"
	"	.macro kb_body_noexit\n"
	"	movl $100, %ecx\n"
	"3:	decl %ecx\n"
	"	jnz 3b\n"
	"	.endm\n"
	"	.macro kb_loop name\n"
	"	.globl kb_entry_\\name\n"
	"kb_entry_\\name:\n"
	"1:	rdtsc\n"
	"	movl %eax, %esi\n"
	"	kb_body_\\name\n"
	"	rdtsc\n"
	"	subl %esi, %eax\n"
	"	cmpl %edi, %eax\n"
	"	jae 2f\n"
	"	movl %eax, %edi\n"
	"2:	decl %ebp\n"
	"	jnz 1b\n"
	"	hlt\n"
	"	.endm\n"
	"	.globl kb_guest_begin, kb_guest_end, kb_entry_halt\n"
	"kb_guest_begin:\n"
	"kb_entry_halt:\n"
	"	hlt\n"
	"	kb_loop cpuid\n"
	"	kb_loop vmcall\n"
	"	kb_loop io\n"
	"	kb_loop noexit\n"
	"kb_guest_end:\n"
	"	.code64\n"
	"	.popsection\n");

extern const uint8_t kb_guest_begin[], kb_guest_end[], kb_entry_halt[];
extern const uint8_t kb_entry_cpuid[], kb_entry_vmcall[], kb_entry_io[],
	kb_entry_noexit[];

struct loop {
	const char *name; /* as bench-kvm.sh prints it */
	const uint8_t *entry;
	int io;		  /* each iteration is one KVM_EXIT_IO */
};
static const struct loop loops[] = {
	{ "cpuid", kb_entry_cpuid, 0 },
	{ "vmcall", kb_entry_vmcall, 0 },
	{ "io-user", kb_entry_io, 1 },
	{ "no-exit", kb_entry_noexit, 0 },
};
#define N_LOOPS (sizeof(loops) / sizeof(loops[0]))

static const char *set = "default";
static int vcpu, exits_fd = -1;
static struct kvm_run *run;

static int fail(const char *fmt, ...)
{
	va_list ap;

	printf("LINUX-KVMBENCH: set=%s FAIL ", set);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	tcdrain(STDOUT_FILENO);
	exit(1);
}

static void on_alarm(int sig)
{
	static const char msg[] = "LINUX-KVMBENCH: FAIL timeout\n";

	(void)sig;
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing left to tell anyone */
	}
	_exit(1);
}

/* This vCPU's L0 exits so far, or -1 without Matryoshka below. */
static int64_t l0_exits(void)
{
	char buf[128];
	unsigned int cpu;
	unsigned long long exits;
	ssize_t n;

	if (exits_fd < 0)
		return -1;
	n = pread(exits_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		fail("read %s: %s", EXITS_PATH, n < 0 ? strerror(errno) : "empty");
	buf[n] = '\0';
	if (sscanf(buf, "%u %llu", &cpu, &exits) != 2)
		fail("%s: \"%s\"", EXITS_PATH, buf);
	if (cpu != 0)
		fail("counters of cpu%u, pinned to cpu0", cpu);
	return (int64_t)exits;
}

/* The vCPU from ENTRY with EBP = iters until its HLT; returns the least
 * TSC sample (EDI), *exits the L0 exits around it (-1: none below). */
static uint32_t window(const struct loop *l, const uint8_t *entry,
		       uint32_t iters, int64_t *exits)
{
	struct kvm_regs regs;
	uint32_t ios = 0;
	int64_t before;

	memset(&regs, 0, sizeof(regs));
	regs.rip = GUEST_CODE + (uint64_t)(entry - kb_guest_begin);
	regs.rflags = 0x2;
	regs.rbp = iters;
	regs.rdi = UINT32_MAX;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		fail("KVM_SET_REGS: %s", strerror(errno));
	before = l0_exits();
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fail("KVM_RUN: %s", strerror(errno));
		}
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		if (run->exit_reason == KVM_EXIT_INTR)
			continue;
		if (run->exit_reason != KVM_EXIT_IO || !l->io ||
		    run->io.port != BENCH_PORT ||
		    run->io.direction != KVM_EXIT_IO_OUT)
			fail("%s: exit reason %u (port 0x%x)", l->name,
			     run->exit_reason, run->io.port);
		ios++;
	}
	*exits = before < 0 ? -1 : l0_exits() - before;
	if (ioctl(vcpu, KVM_GET_REGS, &regs) < 0)
		fail("KVM_GET_REGS: %s", strerror(errno));
	if (entry == kb_entry_halt && regs.rip != GUEST_CODE + 1)
		fail("%s: rip 0x%llx after the lone HLT", l->name,
		     (unsigned long long)regs.rip);
	if (entry != kb_entry_halt && (uint32_t)regs.rbp != 0)
		fail("%s: HLT with %u iterations left", l->name, (uint32_t)regs.rbp);
	if (ios != (l->io && entry != kb_entry_halt ? iters : 0))
		fail("%s: %u I/O exits for %u iterations", l->name, ios, iters);
	return (uint32_t)regs.rdi;
}

/* least of a count over WINDOWS windows, and how many windows had it */
struct least {
	int64_t value;
	unsigned int hits;
};

static void least_add(struct least *m, int64_t v)
{
	if (m->hits == 0 || v < m->value) {
		m->value = v;
		m->hits = 1;
	} else if (v == m->value) {
		m->hits++;
	}
}

static void flush_mode(char *buf, size_t size)
{
	FILE *f = fopen("/sys/module/kvm_intel/parameters/vmentry_l1d_flush", "r");

	if (!f || !fgets(buf, (int)size, f))
		snprintf(buf, size, "?");
	if (f)
		fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == ' ')
			*p = '-'; /* "not required" */
}

static void bench(const struct loop *l, const char *flush)
{
	struct least n = { 0, 0 }, zero = { 0, 0 };
	uint32_t best = UINT32_MAX;
	int64_t exits;
	char per[32];

	window(l, l->entry, ITERS, &exits); /* warm: EPT, shadow state */
	for (unsigned int w = 0; w < WINDOWS; w++) {
		uint32_t t = window(l, l->entry, ITERS, &exits);

		best = t < best ? t : best;
		least_add(&n, exits);
		window(l, kb_entry_halt, 0, &exits);
		least_add(&zero, exits);
	}
	if (n.value < 0)
		snprintf(per, sizeof(per), "-");
	else
		snprintf(per, sizeof(per), "%.2f",
			 (double)(n.value - zero.value) / ITERS);
	printf("LINUX-KVMBENCH: set=%s flush=%s loop=%s insns=%u exits=%s samples=%u windows=%u exits_n=%" PRId64
	       " (%u of %u) exits_0=%" PRId64 " (%u of %u)\n",
	       set, flush, l->name, best, per, WINDOWS * ITERS, WINDOWS,
	       n.value, n.hits, WINDOWS, zero.value, zero.hits, WINDOWS);
	fflush(stdout);
}

static void setup_vm(void)
{
	struct kvm_userspace_memory_region region;
	struct kvm_sregs sregs;
	int kvm, vm, mmap_size;
	uint8_t *mem;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		fail("open /dev/kvm: %s", strerror(errno));
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		fail("KVM_CREATE_VM: %s", strerror(errno));
	if (ioctl(vm, KVM_SET_TSS_ADDR, (unsigned long)TSS_ADDR) < 0)
		fail("KVM_SET_TSS_ADDR: %s", strerror(errno));
	mem = mmap(NULL, GUEST_MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		fail("mmap guest memory: %s", strerror(errno));
	memcpy(mem + GUEST_CODE, kb_guest_begin, (size_t)(kb_guest_end - kb_guest_begin));
	memset(&region, 0, sizeof(region));
	region.memory_size = GUEST_MEM_SIZE;
	region.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		fail("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		fail("KVM_CREATE_VCPU: %s", strerror(errno));
	mmap_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < (int)sizeof(*run))
		fail("KVM_GET_VCPU_MMAP_SIZE: %d", mmap_size);
	run = mmap(NULL, (size_t)mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		fail("mmap kvm_run: %s", strerror(errno));
	/* flat real mode at 0, as kvmtest.c */
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		fail("KVM_GET_SREGS: %s", strerror(errno));
	sregs.cs.selector = 0;
	sregs.cs.base = 0;
	sregs.ds.selector = 0;
	sregs.ds.base = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		fail("KVM_SET_SREGS: %s", strerror(errno));
}

int main(int argc, char **argv)
{
	cpu_set_t cpus;
	char flush[32];

	if (argc > 1)
		set = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus) < 0)
		fail("sched_setaffinity cpu0: %s", strerror(errno));
	if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
		fail("mlockall: %s", strerror(errno));
	exits_fd = open(EXITS_PATH, O_RDONLY | O_CLOEXEC);
	if (exits_fd >= 0 && pread(exits_fd, flush, sizeof(flush), 0) < 0) {
		close(exits_fd); /* ENODEV: no Matryoshka below */
		exits_fd = -1;
	}
	flush_mode(flush, sizeof(flush));
	setup_vm();
	signal(SIGALRM, on_alarm);
	alarm(RUN_TIMEOUT_S);
	for (size_t i = 0; i < N_LOOPS; i++)
		bench(&loops[i], flush);
	alarm(0);
	printf("LINUX-KVMBENCH: set=%s done\n", set);
	fflush(stdout);
	/* out of the UART before the kernel's next message (init.sh's write
	 * of vmentry_l1d_flush prints one) can land inside a line */
	tcdrain(STDOUT_FILENO);
	return 0;
}
