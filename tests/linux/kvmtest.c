// SPDX-License-Identifier: Apache-2.0
/*
 * kvmtest: run one real guest through /dev/kvm and check what it does.
 *
 * The guest is 33 bytes of 16-bit real-mode code. Run on bare Bochs, KVM
 * enters it with Bochs' VMX model; run on Matryoshka, the same KVM is an L1
 * hypervisor and the guest is an L2, so every exit below has gone through
 * L0's nested VMX (VMLAUNCH/VMRESUME emulation, exit reflection, EPT02).
 *
 * Output, one "LINUX-KVM: " line each: the kvm_intel parameters as the
 * module settled them (it turns off what the CPU below does not offer), the
 * API version, then "PASS ..." with the exit counts or "FAIL <why>".
 * Exit status 0 on PASS.
 *
 * Built with `gcc -static -O2` into the test initramfs as /bin/kvmtest.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#define GUEST_MEM_SIZE 0x10000u /* 64 KiB from guest-physical 0 */
#define GUEST_CODE 0x1000u
#define GUEST_RESULT 0x2000u
#define PORT_TEXT 0xe9u /* Bochs/QEMU debug-console port by convention */
#define PORT_VALUE 0x500u
#define IN_VALUE 0xa5u /* what the guest reads; it sends back its complement */
#define SUM_1_TO_10 55u
/* Far above the 64 KiB slot, below 4 GiB: where KVM may put the real-mode TSS
 * it needs only when unrestricted_guest is off (then real mode runs as vm86). */
#define TSS_ADDR 0xfffbd000u
/* Guest seconds before giving up on a KVM_RUN that never returns: generous,
 * since under Matryoshka each exit is a nested round trip in an emulator. */
#define RUN_TIMEOUT_S 120
#define MAX_RUNS 1000

/*
 * The guest, assembled by hand (checked against `as --32` .code16 and
 * objdump -mi8086). It starts at GUEST_CODE in real mode, CS = DS = 0.
 */
static const uint8_t guest_code[] = {
	/* Three byte-wide OUTs to the text port: the guest says "L2\n".
	 * Each is one KVM_EXIT_IO (out, size 1, count 1). */
	0xba, 0xe9, 0x00, /* 0x00 mov dx, 0x00e9 */
	0xb0, 'L',        /* 0x03 mov al, 'L' */
	0xee,             /* 0x05 out dx, al */
	0xb0, '2',        /* 0x06 mov al, '2' */
	0xee,             /* 0x08 out dx, al */
	0xb0, '\n',       /* 0x09 mov al, '\n' */
	0xee,             /* 0x0b out dx, al */
	/* Sum 10 + 9 + ... + 1 with LOOP: real work between exits, so the
	 * value proves the guest ran its instructions, not just trapped. */
	0x31, 0xc0,       /* 0x0c xor ax, ax */
	0xb9, 0x0a, 0x00, /* 0x0e mov cx, 10 */
	0x01, 0xc8,       /* 0x11 add ax, cx */
	0xe2, 0xfc,       /* 0x13 loop 0x11 (rel8 -4) */
	/* A store to guest memory: the host reads it back through its own
	 * mapping of the slot, i.e. the guest's write went through (nested)
	 * EPT to the right host page. */
	0xa3, 0x00, 0x20, /* 0x15 mov [0x2000], ax */
	/* A word-wide OUT of the sum, then an IN whose value the host
	 * supplies: the guest complements it and OUTs it back, which checks
	 * that IN data reaches the guest's AL on the next entry. */
	0xba, 0x00, 0x05, /* 0x18 mov dx, 0x0500 */
	0xef,             /* 0x1b out dx, ax */
	0xec,             /* 0x1c in al, dx */
	0xf6, 0xd0,       /* 0x1d not al */
	0xee,             /* 0x1f out dx, al */
	0xf4,             /* 0x20 hlt: KVM_EXIT_HLT, no in-kernel irqchip */
};

/* The port I/O the guest must do, in order. */
struct io_step {
	uint8_t dir;
	uint8_t size;
	uint16_t port;
	uint32_t value; /* OUT: expected; IN: supplied */
};
static const struct io_step io_steps[] = {
	{ KVM_EXIT_IO_OUT, 1, PORT_TEXT, 'L' },
	{ KVM_EXIT_IO_OUT, 1, PORT_TEXT, '2' },
	{ KVM_EXIT_IO_OUT, 1, PORT_TEXT, '\n' },
	{ KVM_EXIT_IO_OUT, 2, PORT_VALUE, SUM_1_TO_10 },
	{ KVM_EXIT_IO_IN, 1, PORT_VALUE, IN_VALUE },
	{ KVM_EXIT_IO_OUT, 1, PORT_VALUE, (uint8_t)~IN_VALUE },
};
#define N_IO_STEPS (sizeof(io_steps) / sizeof(io_steps[0]))

static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("LINUX-KVM: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("LINUX-KVM: FAIL ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	return 1;
}

/* Only async-signal-safe calls: the alarm may hit inside KVM_RUN. */
static void on_alarm(int sig)
{
	static const char msg[] = "LINUX-KVM: FAIL timeout: KVM_RUN did not come back\n";

	(void)sig;
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing left to tell anyone */
	}
	_exit(1);
}

/*
 * What kvm_intel ended up with, which is not always what insmod asked for:
 * it quietly turns off what the VMX capabilities below do not offer. The
 * second row are the features Matryoshka does not give L1 (APIC
 * virtualization, TPR shadow, PML, EPT A/D), so on top of it they must read N.
 */
static void print_params(void)
{
	static const char *const names[] = {
		"nested", "ept", "vpid", "unrestricted_guest", "enable_shadow_vmcs",
		"enable_apicv", "flexpriority", "pml", "eptad", "preemption_timer",
	};
	char path[128], buf[32];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		FILE *f;

		snprintf(path, sizeof(path), "/sys/module/kvm_intel/parameters/%s", names[i]);
		f = fopen(path, "r");
		if (!f) {
			say("param %s unreadable (%s)", names[i], strerror(errno));
			continue;
		}
		if (!fgets(buf, sizeof(buf), f))
			strcpy(buf, "?");
		fclose(f);
		buf[strcspn(buf, "\n")] = '\0';
		say("param %s=%s", names[i], buf);
	}
}

static const char *exit_name(uint32_t reason)
{
	switch (reason) {
	case KVM_EXIT_UNKNOWN: return "UNKNOWN";
	case KVM_EXIT_EXCEPTION: return "EXCEPTION";
	case KVM_EXIT_IO: return "IO";
	case KVM_EXIT_HLT: return "HLT";
	case KVM_EXIT_MMIO: return "MMIO";
	case KVM_EXIT_SHUTDOWN: return "SHUTDOWN";
	case KVM_EXIT_FAIL_ENTRY: return "FAIL_ENTRY";
	case KVM_EXIT_INTR: return "INTR";
	case KVM_EXIT_INTERNAL_ERROR: return "INTERNAL_ERROR";
	default: return "?";
	}
}

/* The checks on one KVM_EXIT_IO; for an IN it also supplies the data. */
static int handle_io(struct kvm_run *run, unsigned int n_io)
{
	const struct io_step *want;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	uint32_t got = 0;

	if (n_io >= N_IO_STEPS)
		return fail("unexpected I/O exit #%u: port 0x%x %s size %u",
			    n_io + 1, run->io.port,
			    run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
			    run->io.size);
	want = &io_steps[n_io];
	if (run->io.direction != want->dir || run->io.port != want->port ||
	    run->io.size != want->size || run->io.count != 1)
		return fail("I/O exit #%u: port 0x%x dir %u size %u count %u, want port 0x%x dir %u size %u count 1",
			    n_io + 1, run->io.port, run->io.direction, run->io.size,
			    run->io.count, want->port, want->dir, want->size);
	if (want->dir == KVM_EXIT_IO_IN) {
		memcpy(data, &want->value, want->size); /* x86: little-endian */
		return 0;
	}
	memcpy(&got, data, want->size);
	if (got != want->value)
		return fail("I/O exit #%u: out 0x%x to port 0x%x, want 0x%x",
			    n_io + 1, got, want->port, want->value);
	return 0;
}

int main(void)
{
	struct kvm_userspace_memory_region region;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_run *run;
	uint8_t *mem;
	uint16_t result;
	unsigned int n_run = 0, n_io = 0, n_hlt = 0, n_intr = 0;
	int kvm, vm, vcpu, api, mmap_size;
	char text[N_IO_STEPS + 1];
	size_t n_text = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	print_params();

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return fail("open /dev/kvm: %s", strerror(errno));
	api = ioctl(kvm, KVM_GET_API_VERSION, 0);
	say("api version %d", api);
	if (api != KVM_API_VERSION)
		return fail("KVM_GET_API_VERSION %d, want %d", api, KVM_API_VERSION);
	if (ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) <= 0)
		return fail("no KVM_CAP_USER_MEMORY");

	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return fail("KVM_CREATE_VM: %s", strerror(errno));
	if (ioctl(vm, KVM_SET_TSS_ADDR, (unsigned long)TSS_ADDR) < 0)
		return fail("KVM_SET_TSS_ADDR: %s", strerror(errno));

	mem = mmap(NULL, GUEST_MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		return fail("mmap guest memory: %s", strerror(errno));
	memcpy(mem + GUEST_CODE, guest_code, sizeof(guest_code));
	/* Not 55: a guest that never stores leaves something the check sees. */
	memset(mem + GUEST_RESULT, 0xee, 2);
	memset(&region, 0, sizeof(region));
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = GUEST_MEM_SIZE;
	region.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return fail("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return fail("KVM_CREATE_VCPU: %s", strerror(errno));
	mmap_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < (int)sizeof(*run))
		return fail("KVM_GET_VCPU_MMAP_SIZE: %d", mmap_size);
	run = mmap(NULL, (size_t)mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return fail("mmap kvm_run: %s", strerror(errno));

	/* The vCPU starts at the reset vector (CS base 0xffff0000); move it
	 * to flat real mode at address 0 so the code's addresses are its own. */
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return fail("KVM_GET_SREGS: %s", strerror(errno));
	sregs.cs.selector = 0;
	sregs.cs.base = 0;
	sregs.ds.selector = 0;
	sregs.ds.base = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		return fail("KVM_SET_SREGS: %s", strerror(errno));
	memset(&regs, 0, sizeof(regs));
	regs.rip = GUEST_CODE;
	regs.rflags = 0x2; /* bit 1 is reserved as 1 */
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		return fail("KVM_SET_REGS: %s", strerror(errno));

	signal(SIGALRM, on_alarm);
	alarm(RUN_TIMEOUT_S);
	while (n_hlt == 0) {
		if (++n_run > MAX_RUNS)
			return fail("no HLT after %u KVM_RUN calls (%u I/O exits)", MAX_RUNS, n_io);
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				n_intr++;
				continue;
			}
			return fail("KVM_RUN #%u: %s", n_run, strerror(errno));
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			if (handle_io(run, n_io))
				return 1;
			if (run->io.port == PORT_TEXT)
				text[n_text++] = *((char *)run + run->io.data_offset);
			n_io++;
			break;
		case KVM_EXIT_HLT:
			n_hlt++;
			break;
		case KVM_EXIT_INTR:
			n_intr++;
			break;
		case KVM_EXIT_FAIL_ENTRY:
			return fail("KVM_EXIT_FAIL_ENTRY: hardware entry failure reason 0x%llx on cpu %u",
				    (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
				    run->fail_entry.cpu);
		case KVM_EXIT_INTERNAL_ERROR:
			return fail("KVM_EXIT_INTERNAL_ERROR: suberror %u (ndata %u, data[0] 0x%llx)",
				    run->internal.suberror, run->internal.ndata,
				    run->internal.ndata ? (unsigned long long)run->internal.data[0] : 0ull);
		default:
			return fail("exit reason %u (%s) after %u I/O exits",
				    run->exit_reason, exit_name(run->exit_reason), n_io);
		}
	}
	alarm(0);

	if (n_io != N_IO_STEPS)
		return fail("HLT after %u I/O exits, want %zu", n_io, N_IO_STEPS);
	if (ioctl(vcpu, KVM_GET_REGS, &regs) < 0)
		return fail("KVM_GET_REGS: %s", strerror(errno));
	/* HLT is done when KVM exits for it: RIP is past it, and AX holds the
	 * complemented IN value (AH is 0 from the sum, 55 < 256). */
	if (regs.rip != GUEST_CODE + sizeof(guest_code))
		return fail("rip 0x%llx after HLT, want 0x%zx",
			    (unsigned long long)regs.rip, GUEST_CODE + sizeof(guest_code));
	if ((regs.rax & 0xffff) != (uint8_t)~IN_VALUE || (regs.rcx & 0xffff) != 0)
		return fail("ax 0x%llx cx 0x%llx after HLT, want ax 0x%x cx 0",
			    (unsigned long long)(regs.rax & 0xffff),
			    (unsigned long long)(regs.rcx & 0xffff), (uint8_t)~IN_VALUE);
	memcpy(&result, mem + GUEST_RESULT, sizeof(result));
	if (result != SUM_1_TO_10)
		return fail("guest memory [0x%x] = 0x%x, want 0x%x", GUEST_RESULT, result, SUM_1_TO_10);

	text[n_text] = '\0';
	text[strcspn(text, "\n")] = '\0';
	say("PASS real-mode guest said \"%s\" on port 0x%x, sum %u in memory and on port 0x%x, IN 0x%x came back as 0x%x; exits: %u io, %u hlt, %u intr, %u KVM_RUN calls; rip 0x%llx",
	    text, PORT_TEXT, result, PORT_VALUE, IN_VALUE, (uint8_t)~IN_VALUE,
	    n_io, n_hlt, n_intr, n_run, (unsigned long long)regs.rip);
	return 0;
}
