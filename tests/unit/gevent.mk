# SPDX-License-Identifier: Apache-2.0
UNIT_TESTS += gevent
UT_SRC_gevent := core/gevent.c lib/ratelimit.c lib/tscfreq.c lib/log.c lib/fmt.c
