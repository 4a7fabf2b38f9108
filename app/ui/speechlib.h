/* espeak-ng, loaded by the speech worker when it starts (dlopen), not by the dynamic loader at
 * process start: the kiosk's first frame does not wait for espeak-ng and the three libraries it
 * brings (pcaudio, sonic, pulse-simple), and a kiosk whose libespeak-ng is missing runs without
 * speech and says why. The headers still come from the Debian package through pkg-config; the
 * library is the package's own (its soname, found at configure time: WIJKPEIL_ESPEAK_SONAME). */
#ifndef WIJKPEIL_SPEECHLIB_H
#define WIJKPEIL_SPEECHLIB_H

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <stddef.h>

/* The espeak-ng functions the speech module calls: one entry each (speechlib.c lists them). */
typedef struct {
    void *handle;
    espeak_ERROR (*SetVoiceByName)(const char *name);
    espeak_ERROR (*SetParameter)(espeak_PARAMETER parameter, int value, int relative);
    espeak_ERROR (*Synth)(const void *text, size_t size, unsigned int position,
                          espeak_POSITION_TYPE position_type, unsigned int end_position,
                          unsigned int flags, unsigned int *unique_identifier, void *user_data);
    const espeak_VOICE **(*ListVoices)(espeak_VOICE *voice_spec);
    void (*SetSynthCallback)(t_espeak_callback *cb);
    void (*InitializePath)(const char *path);
    espeak_ng_STATUS (*Initialize)(espeak_ng_ERROR_CONTEXT *context);
    espeak_ng_STATUS (*InitializeOutput)(espeak_ng_OUTPUT_MODE output_mode, int buffer_length,
                                         const char *device);
    int (*GetSampleRate)(void);
    void (*GetStatusCodeMessage)(espeak_ng_STATUS status, char *buffer, size_t length);
    void (*ClearErrorContext)(espeak_ng_ERROR_CONTEXT *context);
} speechlib;

/* The library's file name for dlopen when none is given: the soname of the package's build. */
const char *speechlib_default_name(void);

/* Loads the library (name NULL = speechlib_default_name()) and resolves every function. It is
 * never unloaded (espeak-ng keeps process-wide state; see speech.c). Returns 0, or -1 with a
 * message naming the library and the missing piece; *l is then all NULL. */
int speechlib_open(speechlib *l, const char *name, char *err, size_t errlen);

/* Drops this handle's reference (the library itself stays loaded). */
void speechlib_close(speechlib *l);

#endif
