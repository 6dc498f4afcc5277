/* SPDX-License-Identifier: Apache-2.0 */
#include "boot/console.h"

#include <efi.h>
#include <efilib.h>

#include "drivers/serial.h"
#include "mk_version.h" /* generated: $(B)/gen */

static unsigned boot_cpu;

static unsigned loader_cpu(void)
{
	return boot_cpu;
}

/* A user at a real PC may have no serial cable: show what went wrong on screen too. */
static void screen_write(const char *s, size_t n)
{
	CHAR16 buf[LOG_LINE_MAX * 2 + 2];
	size_t j = 0;

	for (size_t i = 0; i < n && j + 3 < sizeof(buf) / sizeof(buf[0]); i++) {
		if (s[i] == '\n')
			buf[j++] = L'\r';
		buf[j++] = (CHAR16)(unsigned char)s[i];
	}
	buf[j] = 0;
	ST->ConOut->OutputString(ST->ConOut, buf);
}

static void loader_sink(enum log_level level, const char *line, size_t len)
{
	serial_write(line, len);
	if (level <= LOG_WARN)
		screen_write(line, len);
}

void console_init(uint16_t serial_port, enum log_level threshold)
{
	serial_init(serial_port);
	log_setup(loader_sink, loader_cpu, threshold);
}

void console_set_cpu(unsigned cpu)
{
	boot_cpu = cpu;
}

void console_banner(void)
{
	static const char banner[] =
		"Matryoshka " MK_VERSION " (" MK_GITREV
		"): nested-VMX micro-hypervisor, loader starting\n";

	serial_write(banner, sizeof(banner) - 1);
	screen_write(banner, sizeof(banner) - 1);
}
