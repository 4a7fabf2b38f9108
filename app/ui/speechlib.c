#include "speechlib.h"
#include "util.h"

#include <dlfcn.h>
#include <string.h>

#ifndef WIJKPEIL_ESPEAK_SONAME
#define WIJKPEIL_ESPEAK_SONAME "libespeak-ng.so.1"
#endif

/* One entry per function: its symbol and where its pointer goes. */
static const struct {
    const char *symbol;
    size_t offset;
} speechlib_symbols[] = {
    {"espeak_SetVoiceByName", offsetof(speechlib, SetVoiceByName)},
    {"espeak_SetParameter", offsetof(speechlib, SetParameter)},
    {"espeak_Synth", offsetof(speechlib, Synth)},
    {"espeak_ListVoices", offsetof(speechlib, ListVoices)},
    {"espeak_SetSynthCallback", offsetof(speechlib, SetSynthCallback)},
    {"espeak_ng_InitializePath", offsetof(speechlib, InitializePath)},
    {"espeak_ng_Initialize", offsetof(speechlib, Initialize)},
    {"espeak_ng_InitializeOutput", offsetof(speechlib, InitializeOutput)},
    {"espeak_ng_GetSampleRate", offsetof(speechlib, GetSampleRate)},
    {"espeak_ng_GetStatusCodeMessage", offsetof(speechlib, GetStatusCodeMessage)},
    {"espeak_ng_ClearErrorContext", offsetof(speechlib, ClearErrorContext)},
};

const char *speechlib_default_name(void)
{
    return WIJKPEIL_ESPEAK_SONAME;
}

int speechlib_open(speechlib *l, const char *name, char *err, size_t errlen)
{
    memset(l, 0, sizeof *l);
    if (!name)
        name = speechlib_default_name();
    /* NODELETE: espeak-ng's process-wide state outlives every handle (speech.c). */
    void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!h) {
        const char *why = dlerror();
        wp_errf(err, errlen, "espeak-ng could not be loaded (%s): %s", name,
                why ? why : "unknown error");
        return -1;
    }
    for (size_t i = 0; i < sizeof speechlib_symbols / sizeof speechlib_symbols[0]; i++) {
        dlerror();
        void *sym = dlsym(h, speechlib_symbols[i].symbol);
        if (!sym) {
            wp_errf(err, errlen, "espeak-ng (%s) lacks %s: a version this kiosk cannot use", name,
                    speechlib_symbols[i].symbol);
            dlclose(h);
            memset(l, 0, sizeof *l);
            return -1;
        }
        /* POSIX: a function's address from dlsym is stored in the function pointer's bytes. */
        memcpy((char *)l + speechlib_symbols[i].offset, &sym, sizeof sym);
    }
    l->handle = h;
    return 0;
}

void speechlib_close(speechlib *l)
{
    if (l->handle)
        dlclose(l->handle);
    memset(l, 0, sizeof *l);
}
