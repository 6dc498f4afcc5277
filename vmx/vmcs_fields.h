/* SPDX-License-Identifier: Apache-2.0 */
/* VMCS field encodings as constants; the list itself is vmx/vmcs_fields.def. */
#ifndef VMX_VMCS_FIELDS_H
#define VMX_VMCS_FIELDS_H

enum vmcs_field {
#define VMCS_FIELD(name, encoding) name = encoding,
#include "vmx/vmcs_fields.def"
#undef VMCS_FIELD
};

/* "GUEST_RIP" for 0x681e; NULL for an encoding not in the list. */
const char *vmcs_field_name(unsigned long encoding);

#endif
