/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mkhc: a Linux kernel module for the Linux-guest test (tests/linux/). Its
 * init function, which runs at CPL 0 as a VMCALL must, asks the hypervisor
 * below to print its per-vCPU exit counters (HC_PRINT_COUNTERS) and reports
 * the status on the kernel console:
 *
 *   LINUX-L1: hypercall print-counters returned 0x0
 *   LINUX-L1: no Matryoshka below       (bare metal, bare Bochs, KVM, ...)
 *
 * The VMCALL is made only when CPUID leaf 0x40000000 says "MatryoshkaL0":
 * without a hypervisor that takes it, VMCALL raises #UD and oopses.
 *
 * License: the rest of Matryoshka is Apache-2.0; this one test file is
 * GPL-2.0 because it is built against and linked into Linux, and a module
 * must be GPL-compatible to load without tainting as proprietary and to
 * use GPL-only symbols. For the same reason it does not include
 * core/hypercall.h (Apache-2.0, which GPL-2.0 code cannot take in) but
 * repeats the ABI values it needs; build-image.sh checks that they
 * still match that header.
 *
 * For the KVM benchmark (kvmbench.c, `make bench`) it also has a read-only
 * parameter: each read of /sys/module/mkhc/parameters/vcpu_exits makes the
 * "vCPU exits" hypercall (HC_VCPU_EXITS) on the reading CPU and returns
 *
 *   CPU EXITS ENTRIES REFLECTED
 *
 * (that vCPU's L0 exits so far, this VMCALL included; its entries of L2;
 * its L2 exits reflected to L1), or fails with ENODEV without Matryoshka
 * below. Loaded with print=0 it skips the print-counters call.
 *
 * init returns 0 and the module has an (empty) exit function: init.sh
 * loads it and removes it again with rmmod, so it can be loaded again and
 * each load makes the hypercall once. (Returning an error such as -EAGAIN
 * would also leave nothing loaded, but then insmod fails every time and a
 * real load failure could not be told apart from success.)
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/preempt.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <asm/processor.h>

/* The same values as core/hypercall.h (docs/hypercalls.md). */
#define MKHC_CPUID_LEAF	    0x40000000u
#define MKHC_SIGNATURE	    "MatryoshkaL0"
#define MKHC_PRINT_COUNTERS 0x4d4b0001u
#define MKHC_VCPU_EXITS	    0x4d4b0004u
#define MKHC_OK		    0ul

static bool print = true;
module_param(print, bool, 0444);
MODULE_PARM_DESC(print, "make the print-counters hypercall when loaded");

static bool matryoshka_below;

static bool mkhc_matryoshka_below(void)
{
	unsigned int eax, sig[3];

	cpuid(MKHC_CPUID_LEAF, &eax, &sig[0], &sig[1], &sig[2]);
	return memcmp(sig, MKHC_SIGNATURE, sizeof(sig)) == 0;
}

/*
 * The hypercall ABI: function in RAX, arguments in RBX, RCX, RDX; status
 * back in RAX, results in RBX, RCX, RDX (so those are clobbered), every
 * other register preserved. "memory": the hypervisor may read or write
 * guest memory for some functions, so the compiler must not cache across.
 */
static unsigned long __init mkhc_vmcall(unsigned long fn)
{
	unsigned long rax = fn;

	asm volatile("vmcall" : "+a"(rax) : : "rbx", "rcx", "rdx", "memory");
	return rax;
}

/*
 * vcpu_exits: one HC_VCPU_EXITS on this CPU, with preemption off so the
 * CPU named is the one whose counters came back (L1's CPU n is vCPU n).
 */
static int mkhc_vcpu_exits_get(char *buf, const struct kernel_param *kp)
{
	unsigned long rax = MKHC_VCPU_EXITS, rbx, rcx, rdx;
	unsigned int cpu;

	if (!matryoshka_below)
		return -ENODEV;
	preempt_disable();
	cpu = smp_processor_id();
	asm volatile("vmcall"
		     : "+a"(rax), "=b"(rbx), "=c"(rcx), "=d"(rdx)
		     : : "memory");
	preempt_enable();
	if (rax != MKHC_OK)
		return -EIO;
	return sysfs_emit(buf, "%u %lu %lu %lu\n", cpu, rbx, rcx, rdx);
}

static const struct kernel_param_ops mkhc_vcpu_exits_ops = {
	.get = mkhc_vcpu_exits_get,
};
module_param_cb(vcpu_exits, &mkhc_vcpu_exits_ops, NULL, 0444);
MODULE_PARM_DESC(vcpu_exits, "read: CPU, its L0 exits, L2 entries, reflected exits");

/*
 * pr_notice, not pr_info: the test kernel runs with loglevel=6, and the
 * console shows only messages more important than that (KERN_INFO is 6).
 */
static int __init mkhc_init(void)
{
	unsigned long ret;

	matryoshka_below = mkhc_matryoshka_below();
	if (!matryoshka_below) {
		pr_notice("LINUX-L1: no Matryoshka below\n");
		return 0;
	}
	if (!print)
		return 0;
	ret = mkhc_vmcall(MKHC_PRINT_COUNTERS);
	pr_notice("LINUX-L1: hypercall print-counters returned 0x%lx\n", ret);
	return 0;
}

static void __exit mkhc_exit(void)
{
}

module_init(mkhc_init);
module_exit(mkhc_exit);

MODULE_DESCRIPTION("Matryoshka test: hypervisor, print your exit counters");
MODULE_LICENSE("GPL");
