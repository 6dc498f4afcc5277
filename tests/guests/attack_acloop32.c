/* SPDX-License-Identifier: Apache-2.0 */
/* attack-acloop32: tests/guests/attack_guard.c with GUARD_KIND ACLOOP32. */
#define GUARD_KIND GUARD_ACLOOP32
#define GUARD_NAME "attack-acloop32"
#include "tests/guests/attack_guard.c"
