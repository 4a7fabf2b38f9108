/* Read-aloud: espeak-ng on one worker thread synthesising into a queue of sample blocks that the
 * SDL audio callback plays with the volume applied, reporting which segment is being heard. */
#include "speech.h"
#include "speechlib.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define SPEECH_BLOCK_SAMPLES  4096 /* samples per queued block (8 KiB) */
#define SPEECH_SYNTH_BUF_MS   60   /* espeak-ng hands us audio in buffers of this length */
#define SPEECH_DEVICE_SAMPLES 1024 /* device buffer: ~46 ms at 22,050 Hz */
#define SPEECH_CLIP_CHUNK     8192 /* bytes of WAV fed to the converter at a time */
#define SPEECH_MAX_CLIP_SEC   600  /* clips longer than this are refused */
#define SPEECH_CLIP_PADS      4    /* chunks of silence that push out the resampler tail */
#define SPEECH_DEFAULT_FALLBK "nl"

/* espeak-ng keeps its state in process globals, so at most one handle may own it; these two
 * flags mirror those globals and are the module's only mutable static state. speech_owner is
 * taken with a compare-and-swap by speech_start; speech_espeak_ready is read and written only by
 * the worker of the handle that holds speech_owner. espeak-ng 1.51 deadlocks in
 * espeak_ng_Terminate after a second espeak_ng_Initialize in one process, so it is initialised
 * once, on first use, and stays loaded (reachable, not leaked) until the process exits. */
static SDL_atomic_t speech_owner;
static bool speech_espeak_ready;

typedef struct block {
    struct block *next;
    int tag;
    int seg;    /* index of the segment in its request */
    bool pause; /* silence between segments */
    int len;    /* samples filled */
    int pos;    /* samples already played */
    int16_t pcm[SPEECH_BLOCK_SAMPLES];
} block;

typedef struct {
    char *text; /* may be empty */
    char lang[SPEECH_MAX_LANG];
    char *clip; /* NULL when none */
    int tag;
} seg_copy;

typedef struct request {
    struct request *next; /* in the trash list */
    int gen;
    int n;
    seg_copy segs[SPEECH_MAX_SEGMENTS];
} request;

typedef struct {
    char code[SPEECH_MAX_LANG];
} voice_lang;

struct speech {
    SDL_mutex *mu;
    SDL_cond *cv; /* new request, quit, playback consumed a block, init finished */
    SDL_Thread *thread;
    SDL_AudioDeviceID dev;
    bool audio_inited;
    bool owner;
    Uint32 event_type;
    SDL_atomic_t gen; /* bumped by say / stop / close; written under mu */
    SDL_atomic_t volume;
    char data_path[SPEECH_MAX_PATH];
    bool has_data_path;
    char fallback[SPEECH_MAX_LANG];
    char audio_device[SPEECH_MAX_PATH];
    bool has_audio_device;
    SDL_sem *start_gate; /* test hook: the worker waits on it before starting (speech.h) */

    /* Written by the worker before init_state is set, read-only afterwards. */
    voice_lang *voices;
    int n_voices;

    /* Under mu. */
    int init_state;  /* SPEECH_STARTING, SPEECH_READY or SPEECH_FAILED */
    bool start_told; /* the event saying the start ended has been pushed */
    char init_err[WP_ERR_LEN];
    bool quit;
    request *pending;
    request *trash_req;  /* replaced requests and played-over audio: freed by the worker so */
    block *trash_blocks; /* that say and stop do no more than relink a few pointers */
    block *head, *tail;
    long queued; /* samples queued and not yet played */
    int heard_tag;
    bool active;     /* from say until heard to the end or stopped */
    bool synth_done; /* the worker finished the current generation */
    Uint64 say_counter;
    double wait_ms; /* worker time spent waiting for playback (per segment) */
    speech_stats stats;

    /* Worker thread only (speech_close releases lib after the worker ended). */
    speechlib lib;                    /* espeak-ng, loaded by worker_init */
    char espeak_lib[SPEECH_MAX_PATH]; /* the library to load; empty: the package's soname */
    char cur_lang[SPEECH_MAX_LANG];   /* language the current espeak-ng voice was chosen for */
    bool cur_fell_back;
    int work_gen;
    int work_seg;
    int work_tag;
    block *spare; /* allocated outside the lock, linked in under it */
};

static double ms_since(Uint64 start)
{
    return (double)(SDL_GetPerformanceCounter() - start) * 1000.0 /
           (double)SDL_GetPerformanceFrequency();
}

double speech_volume_gain(int step)
{
    if (step <= 0)
        return 0.0;
    if (step >= SPEECH_VOLUME_MAX)
        return 1.0;
    return pow(10.0, -(double)(SPEECH_VOLUME_MAX - step) * SPEECH_VOLUME_DB_STEP / 20.0);
}

static int clamp_volume(int step)
{
    return step < 0 ? 0 : step > SPEECH_VOLUME_MAX ? SPEECH_VOLUME_MAX : step;
}

static void free_blocks(block *b)
{
    while (b) {
        block *next = b->next;
        free(b);
        b = next;
    }
}

static void free_request(request *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->n; i++) {
        free(r->segs[i].text);
        free(r->segs[i].clip);
    }
    free(r);
}

static void push_tag_event(speech *s, int tag)
{
    if (s->event_type == 0)
        return;
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = s->event_type;
    ev.user.type = s->event_type;
    ev.user.code = tag;
    ev.user.data1 = s;
    SDL_PushEvent(&ev); /* thread-safe; fails harmlessly when the event queue is not running */
}

/* ---- audio thread ------------------------------------------------------------------------ */

static void audio_callback(void *userdata, Uint8 *stream, int len)
{
    speech *s = userdata;
    int16_t *out = (int16_t *)(void *)stream;
    int n = len / (int)sizeof(int16_t);
    int i = 0;
    int event_tag = -2;   /* -2: no change to report */
    block *played = NULL; /* freed after the lock is released */
    SDL_LockMutex(s->mu);
    /* Read under the lock: a volume set before speech_say (which takes the lock) is then seen by
     * every callback that plays the request's audio, even one that was preempted on its way in. */
    int gain = (int)lround(speech_volume_gain(SDL_AtomicGet(&s->volume)) * 32768.0);
    while (i < n && s->head) {
        block *b = s->head;
        if (b->pos < b->len) {
            if (b->tag != s->heard_tag) {
                s->heard_tag = b->tag;
                event_tag = b->tag;
            }
            if (!b->pause && s->stats.first_audio_ms < 0)
                s->stats.first_audio_ms = ms_since(s->say_counter);
            int take = b->len - b->pos;
            if (take > n - i)
                take = n - i;
            int peak = s->stats.played_peak;
            for (int k = 0; k < take; k++) {
                int v = (int)(((long)b->pcm[b->pos + k] * gain) >> 15);
                v = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
                out[i + k] = (int16_t)v;
                int a = v < 0 ? -v : v;
                if (a > peak)
                    peak = a;
            }
            s->stats.played_peak = peak;
            s->stats.played_samples += take;
            b->pos += take;
            i += take;
            s->queued -= take;
        }
        if (b->pos >= b->len) {
            /* Played out. The worker re-reads tail under the lock for every append, so freeing
             * a partly filled tail block is safe: its next samples go into a new block. */
            s->head = b->next;
            if (!s->head)
                s->tail = NULL;
            b->next = played;
            played = b;
        }
    }
    if (i == 0 && !s->head && s->active && s->synth_done) {
        /* Nothing left to feed the device: the last segment has been heard. */
        s->active = false;
        if (s->heard_tag != -1) {
            s->heard_tag = -1;
            event_tag = -1;
        }
    }
    if (played)
        SDL_CondBroadcast(s->cv);
    SDL_UnlockMutex(s->mu);
    free_blocks(played);

    if (i < n)
        memset(out + i, 0, (size_t)(n - i) * sizeof(int16_t));
    if (event_tag != -2)
        push_tag_event(s, event_tag);
}

/* ---- worker thread ----------------------------------------------------------------------- */

/* Appends up to SPEECH_BLOCK_SAMPLES samples (so at most one new block is needed, allocated
 * beforehand outside the lock: the lock is held only for a copy of a few KiB). */
static int append_piece(speech *s, int gen, int seg, int tag, bool pause, const int16_t *pcm, int n)
{
    const long ahead = (long)SPEECH_RATE * SPEECH_MAX_AHEAD_MS / 1000;
    int peak = 0;
    for (int k = 0; pcm && k < n; k++) {
        int a = pcm[k] < 0 ? -pcm[k] : pcm[k];
        peak = a > peak ? a : peak;
    }
    if (!s->spare && !(s->spare = malloc(sizeof *s->spare)))
        return -1;
    int rc = 0;
    SDL_LockMutex(s->mu);
    if (s->queued > ahead) {
        Uint64 w0 = SDL_GetPerformanceCounter();
        while (s->queued > ahead && !s->quit && SDL_AtomicGet(&s->gen) == gen)
            SDL_CondWait(s->cv, s->mu);
        s->wait_ms += ms_since(w0);
    }
    if (s->quit || SDL_AtomicGet(&s->gen) != gen) {
        rc = -1;
        goto done;
    }
    int done_n = 0;
    while (done_n < n) {
        block *t = s->tail;
        if (!t || t->tag != tag || t->seg != seg || t->pause != pause ||
            t->len == SPEECH_BLOCK_SAMPLES) {
            if (!s->spare) {
                rc = -1; /* cannot happen: a piece spans at most one new block */
                goto done;
            }
            t = s->spare;
            s->spare = NULL;
            t->next = NULL;
            t->tag = tag;
            t->seg = seg;
            t->pause = pause;
            t->len = 0;
            t->pos = 0;
            if (s->tail)
                s->tail->next = t;
            else
                s->head = t;
            s->tail = t;
        }
        int take = SPEECH_BLOCK_SAMPLES - t->len;
        if (take > n - done_n)
            take = n - done_n;
        if (pcm)
            memcpy(t->pcm + t->len, pcm + done_n, (size_t)take * sizeof(int16_t));
        else
            memset(t->pcm + t->len, 0, (size_t)take * sizeof(int16_t));
        t->len += take;
        done_n += take;
        s->queued += take;
    }
    if (!pause && seg >= 0 && seg < SPEECH_MAX_SEGMENTS) {
        s->stats.samples[seg] += n;
        if (peak > s->stats.peak[seg])
            s->stats.peak[seg] = peak;
        s->stats.synth_total += n;
    }
done:
    SDL_UnlockMutex(s->mu);
    return rc;
}

/* Appends samples (NULL pcm = silence) for segment seg of generation gen (worker only). Waits
 * while playback is more than SPEECH_MAX_AHEAD_MS behind. Returns 0, or -1 when the generation
 * went stale, the handle is closing or memory ran out (the caller then abandons the request). */
static int append_samples(speech *s, int gen, int seg, int tag, bool pause, const int16_t *pcm,
                          int n)
{
    for (int off = 0; off < n; off += SPEECH_BLOCK_SAMPLES) {
        int piece = n - off < SPEECH_BLOCK_SAMPLES ? n - off : SPEECH_BLOCK_SAMPLES;
        if (append_piece(s, gen, seg, tag, pause, pcm ? pcm + off : NULL, piece) != 0)
            return -1;
    }
    return 0;
}

static int synth_callback(short *wav, int numsamples, espeak_EVENT *events)
{
    speech *s = events ? events->user_data : NULL;
    if (!s)
        return 1;
    if (SDL_AtomicGet(&s->gen) != s->work_gen)
        return 1; /* superseded: abort synthesis */
    if (!wav || numsamples <= 0)
        return 0;
    return append_samples(s, s->work_gen, s->work_seg, s->work_tag, false, wav, numsamples) == 0
               ? 0
               : 1;
}

/* Picks the espeak-ng voice for lang (worker only); sets *fell_back when the fallback was used. */
static void select_voice(speech *s, const char *lang, bool *fell_back)
{
    if (s->cur_lang[0] && strcmp(s->cur_lang, lang) == 0) {
        *fell_back = s->cur_fell_back;
        return;
    }
    bool ok = lang[0] && s->lib.SetVoiceByName(lang) == EE_OK;
    if (!ok && lang[0]) {
        char bare[SPEECH_MAX_LANG];
        wp_strlcpy(bare, lang, sizeof bare);
        bare[strcspn(bare, "-_")] = '\0';
        ok = bare[0] && strcmp(bare, lang) != 0 && s->lib.SetVoiceByName(bare) == EE_OK;
    }
    *fell_back = !ok;
    if (!ok && s->lib.SetVoiceByName(s->fallback) != EE_OK)
        s->lib.SetVoiceByName("en");
    s->lib.SetParameter(espeakRATE, SPEECH_RATE_WPM, 0);
    wp_strlcpy(s->cur_lang, lang, sizeof s->cur_lang);
    s->cur_fell_back = *fell_back;
}

/* Loads a WAV clip and queues it converted to 22,050 Hz mono S16. Returns 1 when played, 0 when
 * the clip could not be used (the caller synthesises the text instead), -1 when abandoned. */
static int play_clip(speech *s, int gen, int seg, const seg_copy *sc)
{
    struct stat st;
    if (stat(sc->clip, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > SPEECH_MAX_CLIP_BYTES)
        return 0;
    SDL_AudioSpec spec;
    Uint8 *wav = NULL;
    Uint32 wav_len = 0;
    SDL_AudioStream *as = NULL;
    int rc = 0;
    if (!SDL_LoadWAV(sc->clip, &spec, &wav, &wav_len))
        return 0;
    int frame = (int)(SDL_AUDIO_BITSIZE(spec.format) / 8) * spec.channels;
    if (frame <= 0 || spec.freq <= 0 ||
        wav_len / (Uint32)frame / (Uint32)spec.freq > SPEECH_MAX_CLIP_SEC)
        goto done;
    as = SDL_NewAudioStream(spec.format, spec.channels, spec.freq, AUDIO_S16SYS, 1, SPEECH_RATE);
    if (!as)
        goto done;
    /* SDL 2.26's stream keeps the resampler's last input frames even after a flush, so feed
     * silence after the clip and cut the output at the clip's exact converted length. */
    long expected = (long)((double)(wav_len / (Uint32)frame) * SPEECH_RATE / spec.freq + 0.5);
    long emitted = 0;
    int16_t out[SPEECH_CLIP_CHUNK];
    Uint8 silence[SPEECH_CLIP_CHUNK];
    memset(silence, spec.format == AUDIO_U8 ? 0x80 : 0, sizeof silence);
    int silence_len = SPEECH_CLIP_CHUNK - SPEECH_CLIP_CHUNK % frame;
    int pads = 0;
    bool flushed = false;
    Uint32 off = 0;
    rc = 1;
    while (emitted < expected) {
        if (off < wav_len) {
            Uint32 take = wav_len - off;
            if (take > SPEECH_CLIP_CHUNK)
                take = SPEECH_CLIP_CHUNK;
            take -= take % (Uint32)frame;
            if (take == 0 || SDL_AudioStreamPut(as, wav + off, (int)take) != 0)
                off = wav_len;
            else
                off += take;
        } else if (pads < SPEECH_CLIP_PADS) {
            if (SDL_AudioStreamPut(as, silence, silence_len) != 0)
                pads = SPEECH_CLIP_PADS;
            pads++;
        } else if (!flushed) {
            SDL_AudioStreamFlush(as);
            flushed = true;
        }
        int got = SDL_AudioStreamGet(as, out, (int)sizeof out);
        if (got < 0 || (got == 0 && flushed))
            break;
        long n = got / (int)sizeof(int16_t);
        if (n > expected - emitted)
            n = expected - emitted;
        if (n > 0 && append_samples(s, gen, seg, sc->tag, false, out, (int)n) != 0) {
            rc = -1;
            break;
        }
        emitted += n;
    }
done:
    SDL_FreeAudioStream(as);
    SDL_FreeWAV(wav);
    return rc;
}

static void run_request(speech *s, const request *r)
{
    const int pause_n = SPEECH_RATE * SPEECH_PAUSE_MS / 1000;
    for (int i = 0; i < r->n; i++) {
        const seg_copy *sc = &r->segs[i];
        if (SDL_AtomicGet(&s->gen) != r->gen)
            return;
        Uint64 t0 = SDL_GetPerformanceCounter();
        SDL_LockMutex(s->mu);
        s->wait_ms = 0;
        SDL_UnlockMutex(s->mu);
        int clip = 0;
        bool fell_back = false;
        if (sc->clip)
            clip = play_clip(s, r->gen, i, sc);
        if (clip < 0)
            return;
        if (clip == 0 && sc->text[0]) {
            select_voice(s, sc->lang, &fell_back);
            s->work_gen = r->gen;
            s->work_seg = i;
            s->work_tag = sc->tag;
            s->lib.Synth(sc->text, strlen(sc->text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8,
                         NULL, s);
        }
        double ms = ms_since(t0);
        SDL_LockMutex(s->mu);
        bool current = SDL_AtomicGet(&s->gen) == r->gen;
        if (current) {
            s->stats.from_clip[i] = clip == 1;
            s->stats.fell_back[i] = fell_back;
            s->stats.synth_ms[i] = ms - s->wait_ms;
        }
        SDL_UnlockMutex(s->mu);
        if (!current)
            return;
        if (i + 1 < r->n && append_samples(s, r->gen, i, sc->tag, true, NULL, pause_n) != 0)
            return;
        SDL_LockMutex(s->mu);
        if (SDL_AtomicGet(&s->gen) == r->gen)
            s->stats.segments_done = i + 1;
        SDL_UnlockMutex(s->mu);
    }
}

/* Remembers the language codes of espeak-ng's voices (MBROLA voices need extra data: skipped). */
static int read_voices(speech *s)
{
    const espeak_VOICE **list = s->lib.ListVoices(NULL);
    if (!list)
        return -1;
    s->voices = calloc(SPEECH_MAX_VOICE_LANGS, sizeof *s->voices);
    if (!s->voices)
        return -1;
    for (int v = 0; list[v] && s->n_voices < SPEECH_MAX_VOICE_LANGS; v++) {
        if (list[v]->identifier && strncmp(list[v]->identifier, "mb/", 3) == 0)
            continue;
        const char *p = list[v]->languages;
        while (p && *p && s->n_voices < SPEECH_MAX_VOICE_LANGS) {
            p++; /* priority byte */
            wp_strlcpy(s->voices[s->n_voices++].code, p, SPEECH_MAX_LANG);
            p += strlen(p) + 1;
        }
    }
    return 0;
}

static int worker_init(speech *s, char *err, size_t errlen)
{
    espeak_ng_ERROR_CONTEXT ctx = NULL;
    char msg[WP_ERR_LEN];
    if (speechlib_open(&s->lib, s->espeak_lib[0] ? s->espeak_lib : NULL, err, errlen) != 0)
        return -1;
    if (!speech_espeak_ready) {
        s->lib.InitializePath(s->has_data_path ? s->data_path : NULL);
        espeak_ng_STATUS st = s->lib.Initialize(&ctx);
        if (st != ENS_OK) {
            s->lib.GetStatusCodeMessage(st, msg, sizeof msg);
            s->lib.ClearErrorContext(&ctx);
            wp_errf(err, errlen, "espeak-ng could not start (data %s): %s",
                    s->has_data_path ? s->data_path : "default", msg);
            return -1;
        }
        st = s->lib.InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, SPEECH_SYNTH_BUF_MS, NULL);
        if (st != ENS_OK || s->lib.GetSampleRate() != SPEECH_RATE) {
            s->lib.GetStatusCodeMessage(st, msg, sizeof msg);
            wp_errf(err, errlen, "espeak-ng output could not be set up: %s (rate %d)", msg,
                    s->lib.GetSampleRate());
            return -1;
        }
        speech_espeak_ready = true;
    }
    s->lib.SetSynthCallback(synth_callback);
    if (read_voices(s) != 0) {
        wp_errf(err, errlen, "espeak-ng lists no voices (out of memory?)");
        return -1;
    }
    bool fb = false;
    select_voice(s, s->fallback, &fb);
    if (fb) {
        wp_errf(err, errlen, "espeak-ng has no voice for the fallback language \"%s\"",
                s->fallback);
        return -1;
    }
    return 0;
}

static void discard_locked(speech *s);

/* SDL's audio subsystem and the output device (ALSA lists its devices here: milliseconds). */
static int open_audio(speech *s, char *err, size_t errlen)
{
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        wp_errf(err, errlen, "speech: SDL audio cannot start: %s", SDL_GetError());
        return -1;
    }
    s->audio_inited = true;
    SDL_AudioSpec want, have;
    SDL_zero(want);
    want.freq = SPEECH_RATE;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = SPEECH_DEVICE_SAMPLES;
    want.callback = audio_callback;
    want.userdata = s;
    const char *name = s->has_audio_device ? s->audio_device : NULL;
    s->dev = SDL_OpenAudioDevice(name, 0, &want, &have, 0);
    if (s->dev == 0) {
        wp_errf(err, errlen, "speech: cannot open the audio device %s (driver %s): %s",
                name ? name : "(default)",
                SDL_GetCurrentAudioDriver() ? SDL_GetCurrentAudioDriver() : "none", SDL_GetError());
        return -1;
    }
    SDL_PauseAudioDevice(s->dev, 0);
    return 0;
}

static int worker_main(void *arg)
{
    speech *s = arg;
    char err[WP_ERR_LEN] = "";
    if (s->start_gate)
        SDL_SemWait(s->start_gate);
    int rc = worker_init(s, err, sizeof err);
    if (rc == 0)
        rc = open_audio(s, err, sizeof err);
    SDL_LockMutex(s->mu);
    s->init_state = rc == 0 ? SPEECH_READY : SPEECH_FAILED;
    wp_strlcpy(s->init_err, err, sizeof s->init_err);
    if (rc != 0) {
        discard_locked(s); /* nothing asked for before the failure will be said */
        s->active = false;
    }
    SDL_UnlockMutex(s->mu);
    push_tag_event(s, -1); /* wakes the UI, which asks speech_state */
    SDL_LockMutex(s->mu);
    s->start_told = true; /* speech_wait_ready returns after the event, never before */
    SDL_CondBroadcast(s->cv);
    while (rc == 0) {
        while (!s->quit && !s->pending && !s->trash_req && !s->trash_blocks)
            SDL_CondWait(s->cv, s->mu);
        if (s->quit)
            break;
        request *trash_req = s->trash_req;
        block *trash_blocks = s->trash_blocks;
        s->trash_req = NULL;
        s->trash_blocks = NULL;
        request *r = s->pending;
        s->pending = NULL;
        SDL_UnlockMutex(s->mu);
        while (trash_req) {
            request *next = trash_req->next;
            free_request(trash_req);
            trash_req = next;
        }
        free_blocks(trash_blocks);
        if (r)
            run_request(s, r);
        SDL_LockMutex(s->mu);
        if (r && SDL_AtomicGet(&s->gen) == r->gen)
            s->synth_done = true;
        free_request(r);
    }
    SDL_UnlockMutex(s->mu);
    return rc; /* espeak-ng stays initialised: see speech_espeak_ready */
}

/* ---- public API -------------------------------------------------------------------------- */

void speech_close(speech *s)
{
    if (!s)
        return;
    if (s->thread) {
        /* The worker opens the device; once it has ended, nothing else will. A worker still
         * starting espeak-ng is waited for (tens of milliseconds, on close only). */
        SDL_LockMutex(s->mu);
        s->quit = true;
        SDL_AtomicAdd(&s->gen, 1);
        SDL_CondBroadcast(s->cv);
        SDL_UnlockMutex(s->mu);
        SDL_WaitThread(s->thread, NULL);
    }
    if (s->dev)
        SDL_CloseAudioDevice(s->dev); /* waits for a running callback; none runs afterwards */
    free_request(s->pending);
    while (s->trash_req) {
        request *next = s->trash_req->next;
        free_request(s->trash_req);
        s->trash_req = next;
    }
    free_blocks(s->trash_blocks);
    free_blocks(s->head);
    free(s->spare);
    free(s->voices);
    speechlib_close(&s->lib);
    if (s->cv)
        SDL_DestroyCond(s->cv);
    if (s->mu)
        SDL_DestroyMutex(s->mu);
    if (s->audio_inited)
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    if (s->owner)
        SDL_AtomicSet(&speech_owner, 0);
    free(s);
}

int speech_start(const speech_options *opt, speech **out, char *err, size_t errlen)
{
    speech_options defaults = {.volume = SPEECH_VOLUME_DEFAULT};
    speech *s = NULL;
    if (!out) {
        wp_errf(err, errlen, "speech_start: no output handle");
        return -1;
    }
    *out = NULL;
    if (!opt)
        opt = &defaults;
    s = calloc(1, sizeof *s);
    if (!s) {
        wp_errf(err, errlen, "speech: out of memory");
        goto fail;
    }
    s->heard_tag = -1;
    s->stats.first_audio_ms = -1;
    s->event_type = opt->event_type == (Uint32)-1 ? 0 : opt->event_type;
    SDL_AtomicSet(&s->volume, opt->volume >= 1 && opt->volume <= SPEECH_VOLUME_MAX
                                  ? opt->volume
                                  : SPEECH_VOLUME_DEFAULT);
    wp_strlcpy(s->fallback,
               opt->fallback_lang && opt->fallback_lang[0] ? opt->fallback_lang
                                                           : SPEECH_DEFAULT_FALLBK,
               sizeof s->fallback);
    if (opt->audio_device) {
        if (wp_strlcpy(s->audio_device, opt->audio_device, sizeof s->audio_device) >=
            sizeof s->audio_device) {
            wp_errf(err, errlen, "speech: audio device name is too long");
            goto fail;
        }
        s->has_audio_device = true;
    }
    s->start_gate = opt->start_gate;
    if (opt->espeak_lib &&
        wp_strlcpy(s->espeak_lib, opt->espeak_lib, sizeof s->espeak_lib) >= sizeof s->espeak_lib) {
        wp_errf(err, errlen, "speech: espeak-ng library name is too long");
        goto fail;
    }
    if (opt->data_path) {
        if (wp_strlcpy(s->data_path, opt->data_path, sizeof s->data_path) >= sizeof s->data_path) {
            wp_errf(err, errlen, "speech: espeak-ng data path is too long");
            goto fail;
        }
        /* espeak-ng silently falls back to its default data when the path is wrong. */
        char probe[SPEECH_MAX_PATH + 32];
        struct stat st;
        snprintf(probe, sizeof probe, "%s/espeak-ng-data/phontab", opt->data_path);
        bool found = stat(probe, &st) == 0;
        snprintf(probe, sizeof probe, "%s/phontab", opt->data_path);
        if (!found && stat(probe, &st) != 0) {
            wp_errf(err, errlen,
                    "speech: no espeak-ng data in %s (neither phontab nor espeak-ng-data/phontab)",
                    opt->data_path);
            goto fail;
        }
        s->has_data_path = true;
    }
    if (!SDL_AtomicCAS(&speech_owner, 0, 1)) {
        wp_errf(err, errlen, "speech is already open in this process (espeak-ng has one owner)");
        goto fail;
    }
    s->owner = true;
    s->mu = SDL_CreateMutex();
    s->cv = SDL_CreateCond();
    if (!s->mu || !s->cv) {
        wp_errf(err, errlen, "speech: cannot create a mutex: %s", SDL_GetError());
        goto fail;
    }
    s->thread = SDL_CreateThread(worker_main, "speech", s);
    if (!s->thread) {
        wp_errf(err, errlen, "speech: cannot start the worker thread: %s", SDL_GetError());
        goto fail;
    }
    *out = s;
    return 0;
fail:
    speech_close(s);
    return -1;
}

int speech_state(speech *s, char *err, size_t errlen)
{
    if (!s)
        return SPEECH_FAILED;
    SDL_LockMutex(s->mu);
    int state = s->init_state;
    if (state == SPEECH_FAILED && err)
        wp_errf(err, errlen, "%s", s->init_err);
    SDL_UnlockMutex(s->mu);
    return state;
}

int speech_wait_ready(speech *s, char *err, size_t errlen)
{
    if (!s)
        return -1;
    SDL_LockMutex(s->mu);
    while (!s->start_told)
        SDL_CondWait(s->cv, s->mu);
    SDL_UnlockMutex(s->mu);
    return speech_state(s, err, errlen) == SPEECH_READY ? 0 : -1;
}

int speech_open(const speech_options *opt, speech **out, char *err, size_t errlen)
{
    if (speech_start(opt, out, err, errlen) != 0)
        return -1;
    if (speech_wait_ready(*out, err, errlen) != 0) {
        speech_close(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

/* Copies at most max-1 bytes of src, cutting at a UTF-8 character boundary. */
static char *dup_utf8(const char *src, size_t max)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= max) {
        n = max - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, src, n);
    d[n] = '\0';
    return d;
}

/* Moves the pending request and the queued audio to the worker's trash (under mu). */
static void discard_locked(speech *s)
{
    if (s->pending) {
        s->pending->next = s->trash_req;
        s->trash_req = s->pending;
        s->pending = NULL;
    }
    if (s->head) {
        s->tail->next = s->trash_blocks;
        s->trash_blocks = s->head;
        s->head = s->tail = NULL;
    }
    s->queued = 0;
}

int speech_say(speech *s, const speech_segment *segs, int n)
{
    if (!s || !segs || n < 1 || n > SPEECH_MAX_SEGMENTS)
        return -1;
    request *r = calloc(1, sizeof *r);
    if (!r)
        return -1;
    for (int i = 0; i < n; i++) {
        const speech_segment *sg = &segs[i];
        bool has_text = sg->text && sg->text[0];
        bool has_clip = sg->clip && sg->clip[0];
        if (sg->tag < 0 || (!has_text && !has_clip))
            goto fail;
        seg_copy *c = &r->segs[i];
        r->n = i + 1;
        c->tag = sg->tag;
        c->text = dup_utf8(sg->text, SPEECH_MAX_TEXT);
        if (!c->text)
            goto fail;
        if (has_clip && !(c->clip = dup_utf8(sg->clip, SPEECH_MAX_PATH)))
            goto fail;
        wp_strlcpy(c->lang, sg->lang ? sg->lang : "", sizeof c->lang);
    }

    SDL_LockMutex(s->mu);
    discard_locked(s);
    int gen = SDL_AtomicGet(&s->gen) + 1;
    SDL_AtomicSet(&s->gen, gen);
    r->gen = gen;
    s->pending = r;
    s->active = true;
    s->synth_done = false;
    int old_tag = s->heard_tag;
    s->heard_tag = -1;
    long total = s->stats.synth_total;
    memset(&s->stats, 0, sizeof s->stats);
    s->stats.synth_total = total;
    s->stats.n_segments = n;
    s->stats.first_audio_ms = -1;
    s->say_counter = SDL_GetPerformanceCounter();
    SDL_CondBroadcast(s->cv);
    SDL_UnlockMutex(s->mu);
    if (old_tag != -1)
        push_tag_event(s, -1);
    return 0;
fail:
    free_request(r);
    return -1;
}

void speech_stop(speech *s)
{
    if (!s)
        return;
    SDL_LockMutex(s->mu);
    discard_locked(s);
    SDL_AtomicAdd(&s->gen, 1);
    s->active = false;
    int old_tag = s->heard_tag;
    s->heard_tag = -1;
    SDL_CondBroadcast(s->cv);
    SDL_UnlockMutex(s->mu);
    if (old_tag != -1)
        push_tag_event(s, -1);
}

int speech_current_tag(speech *s)
{
    if (!s)
        return -1;
    SDL_LockMutex(s->mu);
    int t = s->heard_tag;
    SDL_UnlockMutex(s->mu);
    return t;
}

bool speech_busy(speech *s)
{
    if (!s)
        return false;
    SDL_LockMutex(s->mu);
    bool b = s->active;
    SDL_UnlockMutex(s->mu);
    return b;
}

void speech_set_volume(speech *s, int step)
{
    if (s)
        SDL_AtomicSet(&s->volume, clamp_volume(step));
}

int speech_volume(speech *s)
{
    return s ? SDL_AtomicGet(&s->volume) : 0;
}

bool speech_has_voice(speech *s, const char *lang)
{
    if (!s || !lang || !lang[0] || speech_state(s, NULL, 0) != SPEECH_READY)
        return false;
    char bare[SPEECH_MAX_LANG];
    wp_strlcpy(bare, lang, sizeof bare);
    bare[strcspn(bare, "-_")] = '\0';
    for (int i = 0; i < s->n_voices; i++) {
        if (strcasecmp(s->voices[i].code, lang) == 0 || strcasecmp(s->voices[i].code, bare) == 0)
            return true;
    }
    return false;
}

void speech_get_stats(speech *s, speech_stats *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    out->first_audio_ms = -1;
    if (!s)
        return;
    SDL_LockMutex(s->mu);
    *out = s->stats;
    SDL_UnlockMutex(s->mu);
}
