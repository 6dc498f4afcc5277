# SPDX-License-Identifier: Apache-2.0
#
# Bounded memory (issue 9, findings 4 and 6): EPT01 above RAM and EPT02 use
# pages from fixed reserves; no access of L1 or L2 stops a vCPU for lack of
# pages. Sourced by run-all.sh.

t_ept01_bound() { # L1 reads one byte per GiB over its whole physical width
	local n=ept01-bound
	guest $n ept01bound 2 "own-map no-memory-reads-ones ept01-bounded l0-alive-every-cpu"
	expect $n '^ept01bound: info EPT01 table pages [0-9]+ before, [0-9]+ after, bound [0-9]+' "EPT01 page count printed"
}

ALL="$ALL ept01_bound"

t_ept02_churn() { # on each CPU an L2 touches 1 GiB through a 3-page EPT12: EPT02 evicts and refills
	local n=ept02-churn
	guest $n ept02churn1 2 "maps l2-ran ept02-evicted ept02-in-budget l0-alive-every-cpu"
	expect $n '^ept02churn1: info cpu0 EPT02 pages in use [0-9]+ of [0-9]+, evictions [1-9]' "EPT02 pages and evictions printed"
}

ALL="$ALL ept02_churn"
