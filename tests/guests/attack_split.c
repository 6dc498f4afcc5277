/* SPDX-License-Identifier: Apache-2.0 */
/* attack-split: tests/guests/attack_guard.c with GUARD_KIND SPLIT. */
#define GUARD_KIND GUARD_SPLIT
#define GUARD_NAME "attack-split"
#include "tests/guests/attack_guard.c"
