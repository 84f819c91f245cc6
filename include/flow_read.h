/* Private to flow.c and flow_read.c: flow.c loads each file and hands its result to
 * flow_read_file, which turns the DSL's tables into the set's C structures; flow.c then
 * resolves and checks them, and frees them through flow_free. Nothing else includes this. */
#ifndef LOKET_FLOW_READ_H
#define LOKET_FLOW_READ_H

#include "flow.h"

/* What the loader keeps while reading one file. */
struct flow_reader {
    struct lk_flowset *fs;
    struct lk_diags *diags;
    lua_State *L;
    const char *file;
};

/* Reads the value at idx that the file r->file returned: a flow is appended to
 * r->fs->flows (targets not yet resolved), settings go to r->fs->settings, a data table
 * is kept under its id; anything else is a finding. Findings go to r->diags. Leaves the
 * stack as it found it. */
void flow_read_file(struct flow_reader *r, int idx);

/* Frees what flow_read_file built for one flow; L (may be NULL) holds its references. */
void flow_free(lua_State *L, struct lk_flow *f);

/* Frees the n strings of 'list' and the list. */
void string_list_free(char **list, size_t n);

#endif
