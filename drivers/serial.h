/* SPDX-License-Identifier: Apache-2.0 */
/* 16550 UART on port I/O: 115200 8N1, polled, output only. */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H

#include <stddef.h>
#include <stdint.h>

/* port 0 means "no serial console": writes are dropped. */
void serial_init(uint16_t port);
/* Writes n bytes, turning "\n" into "\r\n". */
void serial_write(const char *s, size_t n);

#endif
