/* SPDX-License-Identifier: Apache-2.0 */
/* attack-dbloop: tests/guests/attack_guard.c with GUARD_KIND DBLOOP. */
#define GUARD_KIND GUARD_DBLOOP
#define GUARD_NAME "attack-dbloop"
#include "tests/guests/attack_guard.c"
