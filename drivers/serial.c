/* SPDX-License-Identifier: Apache-2.0 */
#include "drivers/serial.h"

#include "arch/x86/cpu.h"

/* 16550 registers, as offsets from the base port. */
#define THR 0 /* transmit holding (DLAB=0) */
#define DLL 0 /* divisor latch low (DLAB=1) */
#define IER 1 /* interrupt enable (DLAB=0) */
#define DLM 1 /* divisor latch high (DLAB=1) */
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define LCR_8N1 0x03
#define LCR_DLAB 0x80

static uint16_t port;

void serial_init(uint16_t base)
{
	port = base;
	if (!port)
		return;
	/* Let a byte still shifting out finish: reprogramming cuts it to junk. */
	for (unsigned spins = 0; spins < 1000000; spins++)
		if (inb(port + LSR) & LSR_TEMT)
			break;
	outb(port + IER, 0x00);    /* polled: we never take its interrupts */
	outb(port + LCR, LCR_DLAB);
	outb(port + DLL, 1);       /* 115200 = 1.8432 MHz / 16 / 1 */
	outb(port + DLM, 0);
	outb(port + LCR, LCR_8N1);
	outb(port + FCR, 0xc7);    /* FIFOs on and cleared, 14-byte trigger */
	outb(port + MCR, 0x03);    /* DTR + RTS */
}

static void put(char ch)
{
	/* A missing UART reads 0xff, which has THRE set: no endless wait. */
	for (unsigned spins = 0; spins < 1000000; spins++)
		if (inb(port + LSR) & LSR_THRE)
			break;
	outb(port + THR, (uint8_t)ch);
}

void serial_write(const char *s, size_t n)
{
	if (!port)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			put('\r');
		put(s[i]);
	}
}
