/*
 * Plugin labeling functions: a C function in a shared library, with an optional
 * "<symbol>_init" that makes a context and "<symbol>_fini" that frees it.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "core/error_internal.h"
#include "lf/lf_internal.h"

typedef void *(*plugin_init_fn)(void);
typedef void (*plugin_fini_fn)(void *ctx);

/* dlsym returns an object pointer; POSIX guarantees it converts to a function pointer, and
 * copying the bytes says so without a cast ISO C frowns upon. */
static void *lookup(void *handle, const char *name, const char **error)
{
    dlerror();
    void *p = dlsym(handle, name);
    *error = p ? NULL : dlerror();
    return p;
}

int lf_plugin_load(lf_plugin *plugin)
{
    plugin->handle = dlopen(plugin->library, RTLD_NOW | RTLD_LOCAL);
    if (!plugin->handle) {
        const char *why = dlerror();
        return chorus_error_set(CHORUS_EIO,
                                "cannot load the plugin library: %s; expected a shared library "
                                "built with cc -shared -fPIC (a relative path starts at the "
                                "spec's folder)",
                                why ? why : plugin->library);
    }
    const char *why;
    void *fn = lookup(plugin->handle, plugin->symbol, &why);
    if (!fn) {
        int rc = chorus_error_set(CHORUS_EFORMAT,
                                  "the plugin library has no function '%s' (%s); expected int "
                                  "%s(const chorus_record *, void *ctx) exported from %s",
                                  plugin->symbol, why ? why : "not found", plugin->symbol,
                                  plugin->library);
        lf_plugin_unload(plugin);
        return rc;
    }
    memcpy(&plugin->fn, &fn, sizeof plugin->fn);
    char name[512];
    snprintf(name, sizeof name, "%s_init", plugin->symbol);
    void *init = lookup(plugin->handle, name, &why);
    if (init) {
        plugin_init_fn call;
        memcpy(&call, &init, sizeof call);
        plugin->ctx = call();
    }
    return CHORUS_OK;
}

void lf_plugin_unload(lf_plugin *plugin)
{
    if (!plugin->handle) return;
    char name[512];
    snprintf(name, sizeof name, "%s_fini", plugin->symbol);
    const char *why;
    void *fini = plugin->fn ? lookup(plugin->handle, name, &why) : NULL;
    if (fini) {
        plugin_fini_fn call;
        memcpy(&call, &fini, sizeof call);
        call(plugin->ctx);
    }
    dlclose(plugin->handle);
    plugin->handle = NULL;
    plugin->fn = NULL;
    plugin->ctx = NULL;
}
