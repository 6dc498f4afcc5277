/* SPDX-License-Identifier: Apache-2.0 */
#include "tests/guests/guestlib.h"

#include <efilib.h>
#include <stdarg.h>

#include "lib/fmt.h"
#include "lib/string.h" /* memcpy/memset: gnu-efi's libefi has them */

/* 16550 registers, as offsets from the base port. */
#define UART_THR 0
#define UART_DLL 0
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define LINE_MAX 256

static const char *guest = "guest";
static unsigned passed, failed, skipped;

/* A missing UART reads 0xff, which has both bits set: no endless wait. */
static void uart_wait(uint8_t bits)
{
	for (unsigned spins = 0; spins < 1000000; spins++)
		if ((inb(GUEST_SERIAL_PORT + UART_LSR) & bits) == bits)
			break;
}

static void uart_put(char ch)
{
	uart_wait(LSR_THRE);
	outb(GUEST_SERIAL_PORT + UART_THR, (uint8_t)ch);
}

/*
 * The firmware (and Matryoshka's loader) may have set the port up already;
 * programming the same settings again is harmless and makes the payload
 * independent of who ran before it.
 */
static void uart_init(void)
{
	uint16_t p = GUEST_SERIAL_PORT;

	uart_wait(LSR_TEMT); /* reprogramming cuts a byte in flight to junk */
	outb(p + UART_IER, 0x00);
	outb(p + UART_LCR, 0x80);
	outb(p + UART_DLL, 1); /* 115200 = 1.8432 MHz / 16 / 1 */
	outb(p + UART_DLM, 0);
	outb(p + UART_LCR, 0x03); /* 8N1 */
	outb(p + UART_FCR, 0xc7);
	outb(p + UART_MCR, 0x03);
}

/* Whole lines at once, so that L0's own log lines never split ours. */
static void put_line(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			uart_put('\r');
		uart_put(*s);
	}
}

void guest_init(const char *name)
{
	guest = name;
	uart_init();
}

void guest_printf(const char *fmt, ...)
{
	char line[LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	put_line(line);
}

bool check(const char *name, bool pass, const char *fmt, ...)
{
	char detail[LINE_MAX - 64];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	guest_printf("%s: %s %s %s\n", guest, pass ? "PASS" : "FAIL", name,
		     detail);
	if (pass)
		passed++;
	else
		failed++;
	return pass;
}

void check_skip(const char *name, const char *fmt, ...)
{
	char detail[LINE_MAX - 64];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	guest_printf("%s: SKIP %s %s\n", guest, name, detail);
	skipped++;
}

void guest_finish(void)
{
	static const char bochs_off[] = "Shutdown";

	guest_printf("%s: summary %u passed, %u failed, %u skipped\n", guest,
		     passed, failed, skipped);
	/* Powering off with bytes still in the UART would lose them. */
	uart_wait(LSR_TEMT);
	/* A runtime service: it works after ExitBootServices too. */
	RT->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	/* Firmware without ACPI power off returns: Bochs' own shutdown port. */
	for (const char *c = bochs_off; *c; c++)
		outb(0x8900, (uint8_t)*c);
	for (;;)
		__asm__ volatile("cli; hlt");
}

bool hv_sig_decode(uint32_t ebx, uint32_t ecx, uint32_t edx, char sig[13])
{
	uint32_t w[3] = {ebx, ecx, edx};
	const char *want = HV_SIGNATURE;
	bool match = true;

	for (int i = 0; i < 12; i++) {
		char c = (char)(w[i / 4] >> (8 * (i % 4)));

		match &= c == want[i];
		/* Printable: bare CPUs answer with other leaves' data. */
		sig[i] = c >= 0x20 && c < 0x7f ? c : '.';
	}
	sig[12] = 0;
	return match;
}

bool hv_signature(char sig[13], uint32_t *max_leaf)
{
	struct cpuid_regs r = cpuid(HV_CPUID_LEAF, 0);

	if (max_leaf)
		*max_leaf = r.eax;
	return hv_sig_decode(r.ebx, r.ecx, r.edx, sig);
}

/* ---- exceptions ---- */

/* trap.asm's gates, and where each goes on for faults nobody expected. */
void trap_ud(void) HIDDEN;
void trap_gp(void) HIDDEN;
void trap_pf(void) HIDDEN;
void trap_ac(void) HIDDEN;
void trap_nmi(void) HIDDEN;
void trap_dead(void) HIDDEN;
extern uint64_t trap_prev_ud HIDDEN, trap_prev_gp HIDDEN, trap_prev_pf HIDDEN,
    trap_prev_ac HIDDEN;

volatile uint64_t trap_skip;
volatile int64_t trap_vector = NO_FAULT;
volatile uint64_t trap_nmis;
volatile uint64_t trap_error;

struct __attribute__((packed)) dtr {
	uint16_t limit;
	uint64_t base;
};

struct gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
};

static struct gate idt_copy[256] __attribute__((aligned(16)));
static struct dtr saved_idtr;
static uint64_t saved_flags;

static uint64_t gate_offset(const struct gate *g)
{
	if (!(g->type & 0x80)) /* not present: nothing to chain to */
		return (uint64_t)trap_dead;
	return g->off_lo | (uint64_t)g->off_mid << 16 |
	       (uint64_t)g->off_hi << 32;
}

static void set_gate(struct gate *g, void (*fn)(void), uint16_t cs)
{
	uint64_t a = (uint64_t)fn;

	g->off_lo = (uint16_t)a;
	g->off_mid = (uint16_t)(a >> 16);
	g->off_hi = (uint32_t)(a >> 32);
	g->sel = cs;
	g->ist = 0;
	g->type = 0x8e; /* present, DPL 0, 64-bit interrupt gate */
	g->zero = 0;
}

void trap_arm(void)
{
	struct dtr d;
	uint16_t cs;
	size_t n;

	__asm__ volatile("pushfq; pop %0; cli" : "=r"(saved_flags)::"memory");
	__asm__ volatile("sidt %0" : "=m"(saved_idtr));
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	n = (size_t)saved_idtr.limit + 1;
	if (n > sizeof(idt_copy))
		n = sizeof(idt_copy);
	memset(idt_copy, 0, sizeof(idt_copy));
	memcpy(idt_copy, (void *)saved_idtr.base, n);
	trap_prev_ud = gate_offset(&idt_copy[VEC_UD]);
	trap_prev_gp = gate_offset(&idt_copy[VEC_GP]);
	trap_prev_pf = gate_offset(&idt_copy[VEC_PF]);
	trap_prev_ac = gate_offset(&idt_copy[VEC_AC]);
	set_gate(&idt_copy[VEC_UD], trap_ud, cs);
	set_gate(&idt_copy[VEC_GP], trap_gp, cs);
	set_gate(&idt_copy[VEC_PF], trap_pf, cs);
	set_gate(&idt_copy[VEC_AC], trap_ac, cs);
	set_gate(&idt_copy[VEC_NMI], trap_nmi, cs);
	/* A firmware IDT shorter than ours still covers our vectors. */
	if (n < (VEC_AC + 1) * sizeof(struct gate))
		n = (VEC_AC + 1) * sizeof(struct gate);
	d.limit = (uint16_t)(n - 1);
	d.base = (uint64_t)idt_copy;
	trap_skip = 0;
	trap_vector = NO_FAULT;
	__asm__ volatile("lidt %0" : : "m"(d) : "memory");
}

void trap_disarm(void)
{
	trap_skip = 0;
	__asm__ volatile("lidt %0" : : "m"(saved_idtr) : "memory");
	__asm__ volatile("push %0; popfq"
			 :
			 : "r"(saved_flags)
			 : "memory", "cc");
}

int trap_take(uint64_t *error)
{
	int v = (int)trap_vector;

	if (error)
		*error = trap_error;
	trap_vector = NO_FAULT;
	return v;
}

const char *vector_name(int vector)
{
	switch (vector) {
	case NO_FAULT:
		return "no fault";
	case VEC_UD:
		return "#UD";
	case VEC_GP:
		return "#GP";
	case VEC_PF:
		return "#PF";
	case VEC_AC:
		return "#AC";
	default:
		return "an unexpected exception";
	}
}

int try_rdmsr(uint32_t msr, uint64_t *v)
{
	uint32_t lo = 0, hi = 0;

	trap_arm();
	__asm__ volatile(GUARD("rdmsr")
			 : GUARD_OUT, "+a"(lo), "+d"(hi)
			 : "c"(msr)
			 : "memory");
	trap_disarm();
	*v = (uint64_t)hi << 32 | lo;
	return trap_take(NULL);
}

int try_wrmsr(uint32_t msr, uint64_t v)
{
	trap_arm();
	__asm__ volatile(GUARD("wrmsr")
			 : GUARD_OUT
			 : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
	trap_disarm();
	return trap_take(NULL);
}

int try_write_cr4(uint64_t v)
{
	trap_arm();
	__asm__ volatile(GUARD("mov %[v], %%cr4")
			 : GUARD_OUT
			 : [v] "r"(v)
			 : "memory");
	trap_disarm();
	return trap_take(NULL);
}

int try_xsetbv(uint32_t xcr, uint64_t v)
{
	trap_arm();
	__asm__ volatile(GUARD("xsetbv")
			 : GUARD_OUT
			 : "c"(xcr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
	trap_disarm();
	return trap_take(NULL);
}

int try_xgetbv(uint32_t xcr, uint64_t *v)
{
	uint32_t lo = 0, hi = 0;

	trap_arm();
	__asm__ volatile(GUARD("xgetbv")
			 : GUARD_OUT, "+a"(lo), "+d"(hi)
			 : "c"(xcr)
			 : "memory");
	trap_disarm();
	*v = (uint64_t)hi << 32 | lo;
	return trap_take(NULL);
}

static int hc_fault = NO_FAULT;

uint64_t hypercall(uint64_t fn, uint64_t *rbx, uint64_t *rcx, uint64_t *rdx)
{
	uint64_t a = fn, b = *rbx, c = *rcx, d = *rdx;

	trap_arm();
	__asm__ volatile(GUARD("vmcall")
			 : GUARD_OUT, "+a"(a), "+b"(b), "+c"(c), "+d"(d)
			 :
			 : "memory");
	trap_disarm();
	hc_fault = trap_take(NULL);
	if (hc_fault != NO_FAULT)
		return HC_UNKNOWN;
	*rbx = b;
	*rcx = c;
	*rdx = d;
	return a;
}

int hypercall_fault(void)
{
	return hc_fault;
}

mp_services *mp_locate(void)
{
	static EFI_GUID guid = EFI_MP_SERVICES_GUID;
	mp_services *s;

	if (EFI_ERROR(BS->LocateProtocol(&guid, NULL, (void **)&s)))
		return NULL;
	return s;
}

UINTN mp_first_ap(mp_services *s)
{
	UINTN total = 0, enabled = 0;

	if (!s || EFI_ERROR(s->GetNumberOfProcessors(s, &total, &enabled)))
		return 0;
	for (UINTN cpu = 0; cpu < total; cpu++) {
		processor_info info;

		if (!EFI_ERROR(s->GetProcessorInfo(s, cpu, &info)) &&
		    !(info.StatusFlag & PROCESSOR_AS_BSP_BIT) &&
		    (info.StatusFlag & PROCESSOR_ENABLED_BIT))
			return cpu;
	}
	return 0;
}
