/* SPDX-License-Identifier: Apache-2.0 */
/* The loader's log: every line to the serial port, warnings and errors also on screen. */
#ifndef BOOT_CONSOLE_H
#define BOOT_CONSOLE_H

#include <stdint.h>

#include "lib/log.h"

void console_init(uint16_t serial_port, enum log_level threshold);
/* The loader logs as this CPU number (the firmware's number of the BSP). */
void console_set_cpu(unsigned cpu);
/* The banner goes out whatever the log level is. */
void console_banner(void);

#endif
