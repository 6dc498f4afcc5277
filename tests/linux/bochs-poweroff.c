// SPDX-License-Identifier: Apache-2.0
/*
 * bochs-poweroff: end the Bochs emulator from inside a Linux guest.
 *
 * OVMF gives Linux no ACPI tables in Bochs, so a normal power-off only
 * halts the CPU. Bochs watches I/O port 0x8900 and exits when the string
 * "Shutdown" is written there one byte at a time. Where that port does
 * nothing (QEMU, a real machine), fall back to reboot(RB_POWER_OFF).
 *
 * Built with `gcc -static -Os` into the test initramfs.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <termios.h>
#include <sys/io.h>
#include <sys/reboot.h>

#define BOCHS_SHUTDOWN_PORT 0x8900

static void bochs_shutdown(void)
{
	static const char magic[] = "Shutdown";
	size_t i;

	if (ioperm(BOCHS_SHUTDOWN_PORT, 1, 1) != 0 && iopl(3) != 0) {
		perror("bochs-poweroff: ioperm/iopl");
		return;
	}
	for (i = 0; i < strlen(magic); i++)
		outb(magic[i], BOCHS_SHUTDOWN_PORT);
}

int main(void)
{
	/*
	 * The serial console's last lines may still sit in the UART driver's
	 * buffer: Bochs would end before sending them (more likely the higher
	 * bochs.sh's IPS is, since each character then takes more instructions).
	 * Not a terminal (no console): nothing to wait for.
	 */
	tcdrain(STDOUT_FILENO);
	sync();
	bochs_shutdown();
	/* Still here: not Bochs, or Bochs ignored the port. */
	reboot(RB_POWER_OFF);
	perror("bochs-poweroff: reboot(RB_POWER_OFF)");
	return 1;
}
