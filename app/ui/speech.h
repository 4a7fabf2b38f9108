/* Read-aloud: one worker thread owns espeak-ng and synthesises into memory, an SDL audio device
 * plays the result with the resident's volume, and the UI learns which segment is being heard.
 *
 * Threads. espeak-ng keeps its state in globals and is not thread-safe, so only the worker thread
 * ever calls it; at most one speech handle can be open in a process (a second speech_open fails).
 * espeak-ng is initialised by the first successful start and stays loaded until the process
 * exits (espeak-ng 1.51 hangs when terminated and initialised again), so the data path of that
 * first open stays in effect for later handles.
 * The UI thread only hands requests over (a mutex-protected slot + condition variable) and never
 * waits on synthesis: speech_say, speech_stop and the queries return in microseconds. Synthesis is
 * streamed: audio starts after the first ~60 ms of speech have been synthesised, and the worker
 * stays at most SPEECH_MAX_AHEAD_MS ahead of what is heard, so a long text costs little memory.
 * A new speech_say or speech_stop bumps a generation counter; the synth callback sees it and
 * aborts espeak-ng within one buffer (~60 ms of audio, well under 1 ms of work).
 *
 * Audio. Everything is mixed as 22,050 Hz mono signed 16-bit (espeak-ng's native output); SDL
 * converts to whatever the device wants. Recorded clips (WAV) are converted to that format with
 * SDL_AudioCVT when they are loaded, on the worker thread. The volume is applied when mixing.
 *
 * Segments. Each segment is spoken in its own language's espeak-ng voice at SPEECH_RATE_WPM,
 * followed by SPEECH_PAUSE_MS of silence (except the last) so options are distinguishable; the
 * pause still belongs to the segment that was just spoken. A segment with a clip plays the clip
 * instead; when the clip cannot be loaded the text is synthesised instead. A language without a
 * voice (e.g. Tigrinya, Somali, Limburgish) or an unknown code is spoken with the fallback voice
 * (speech_options.fallback_lang, default "nl"); speech_stats tells when that happened.
 *
 * Highlight. speech_current_tag is the tag of the segment whose samples the audio device is
 * being fed now (what is heard, within one device buffer of ~46 ms), not the one being
 * synthesised. When it changes, an SDL user event of type speech_options.event_type is pushed
 * with user.code = the new tag (-1: speech ended or stopped) and user.data1 = the handle, so the
 * UI wakes and redraws without polling. */
#ifndef WP_SPEECH_H
#define WP_SPEECH_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SPEECH_RATE         22050 /* samples per second of everything we mix */
#define SPEECH_RATE_WPM     150   /* a little slower than espeak-ng's 175 for clarity */
#define SPEECH_PAUSE_MS     400   /* silence between segments */
#define SPEECH_MAX_SEGMENTS 64    /* segments per speech_say */
#define SPEECH_MAX_TEXT                                                                            \
    16384                           /* bytes of UTF-8 per segment; longer text is cut at a         \
                                       character boundary */
#define SPEECH_MAX_LANG        16   /* bytes of a language code, e.g. "nl" or "pt-BR" */
#define SPEECH_MAX_PATH        1024 /* bytes of a clip path */
#define SPEECH_MAX_CLIP_BYTES  (16 * 1024 * 1024) /* WAV files larger than this are refused */
#define SPEECH_MAX_AHEAD_MS    20000 /* synthesis runs at most this far ahead of playback */
#define SPEECH_VOLUME_MAX      10    /* volume steps are 0 (mute) .. 10 (full) */
#define SPEECH_VOLUME_DEFAULT  8     /* volume step when the options give none */
#define SPEECH_VOLUME_DB_STEP  2.5   /* each step down is 2.5 dB quieter (step 5: -12.5 dB) */
#define SPEECH_MAX_VOICE_LANGS 512   /* language codes remembered from espeak_ListVoices */

typedef struct speech speech;

typedef struct {
    const char *data_path;     /* directory holding espeak-ng-data; NULL = the system default */
    Uint32 event_type;         /* SDL event type to push when the heard segment changes; 0 = none
                                  (get one with SDL_RegisterEvents) */
    int volume;                /* default volume step 1..10; 0 or out of range means
                                  SPEECH_VOLUME_DEFAULT (a kiosk never starts muted) */
    const char *fallback_lang; /* voice for languages espeak-ng lacks; NULL = "nl" */
    const char *audio_device;  /* SDL output device name; NULL = the default device */
    SDL_sem *start_gate;       /* test hook: the worker waits on this before it starts espeak-ng
                                  (post it before speech_close); NULL = none */
    const char *espeak_lib;    /* the espeak-ng library the worker loads (dlopen); NULL = the
                                  package's soname (speechlib_default_name) */
} speech_options;

/* What speech_state says. */
enum { SPEECH_STARTING = 0, SPEECH_READY = 1, SPEECH_FAILED = -1 };

typedef struct {
    const char *text; /* UTF-8; may be NULL or empty when clip is set */
    const char *lang; /* "nl", "en", "ar", "tr", "pl", "uk", ... (espeak-ng voice names) */
    const char *clip; /* WAV file to play instead of synthesis, or NULL: a full path (the
                         caller resolves it against the question set's asset folder). Any
                         rate, mono or stereo, 8/16/32-bit or float PCM, up to
                         SPEECH_MAX_CLIP_BYTES */
    int tag;          /* reported by speech_current_tag while this segment is heard (>= 0) */
} speech_segment;

/* What happened to the latest request (a test and benchmark hook; cheap to read). */
typedef struct {
    int n_segments;                       /* segments of the latest speech_say */
    int segments_done;                    /* segments the worker has finished */
    long samples[SPEECH_MAX_SEGMENTS];    /* samples produced per segment (no pause) */
    int peak[SPEECH_MAX_SEGMENTS];        /* peak |sample| per segment, before volume */
    bool from_clip[SPEECH_MAX_SEGMENTS];  /* played from the recorded clip */
    bool fell_back[SPEECH_MAX_SEGMENTS];  /* spoken with the fallback voice */
    double synth_ms[SPEECH_MAX_SEGMENTS]; /* worker time spent producing the segment,
                                             excluding waits for playback to catch up */
    double first_audio_ms; /* speech_say -> first spoken sample handed to the device; -1 */
    long played_samples;   /* samples of this request handed to the device */
    int played_peak;       /* peak |sample| handed to the device, after volume */
    long synth_total;      /* samples synthesised since speech_open (all requests) */
} speech_stats;

/* Starts the worker thread and returns at once: the worker initialises espeak-ng, reads its
 * voice list and opens the audio device (SDL's audio subsystem too), tens of milliseconds that
 * the UI thread never waits for. opt may be NULL for defaults. Returns -1 with a message and
 * *out = NULL only for what is known at once (espeak-ng data path missing, speech already open,
 * no thread). Requests made while starting are kept and said once ready. When the start ends,
 * either way, an event of opt->event_type is pushed (user.code -1); speech_state then tells
 * whether it failed (no voice, no audio device) and why: the kiosk then runs without speech. */
int speech_start(const speech_options *opt, speech **out, char *err, size_t errlen);
/* SPEECH_STARTING, SPEECH_READY, or SPEECH_FAILED with the reason in err (err may be NULL).
 * Never waits on the worker. NULL is SPEECH_FAILED. */
int speech_state(speech *s, char *err, size_t errlen);
/* Waits until the start has ended: 0 when ready, -1 with the reason. For tests, tools and the
 * script driver, never for the kiosk's UI thread. */
int speech_wait_ready(speech *s, char *err, size_t errlen);
/* speech_start, then speech_wait_ready: 0, or -1 with a message and *out = NULL. */
int speech_open(const speech_options *opt, speech **out, char *err, size_t errlen);

/* Stops playback, ends the worker and closes the device. Returns within about one audio buffer
 * even while a long text is being synthesised. NULL is a no-op. */
void speech_close(speech *s);

/* Replaces whatever is being said with segs[0..n-1] (copied; the caller's strings may go away at
 * once). Never waits on synthesis. Returns 0, or -1 when s or segs is NULL, n is not in
 * 1..SPEECH_MAX_SEGMENTS, a tag is negative, or a segment has neither text nor clip. */
int speech_say(speech *s, const speech_segment *segs, int n);

/* Silence now: drops queued audio and aborts synthesis. Never blocks long. NULL is a no-op. */
void speech_stop(speech *s);

/* The tag of the segment being heard now, or -1 when nothing is being heard. */
int speech_current_tag(speech *s);

/* True from speech_say until the last segment has been heard or speech_stop was called. */
bool speech_busy(speech *s);

/* Sets the volume step (clamped to 0..SPEECH_VOLUME_MAX); applies to audio mixed from now on. */
void speech_set_volume(speech *s, int step);
/* The current volume step. */
int speech_volume(speech *s);
/* The linear gain of a volume step (0 for step 0, 1 for SPEECH_VOLUME_MAX). */
double speech_volume_gain(int step);

/* True when espeak-ng has a voice for lang ("nl", "pt-BR", ...; a region falls back to the bare
 * language). Answered from the voice list read at the start: never touches espeak-ng; false
 * until speech is ready. */
bool speech_has_voice(speech *s, const char *lang);

/* Copies the statistics of the latest request into *out. */
void speech_get_stats(speech *s, speech_stats *out);

#endif
