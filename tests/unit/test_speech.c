/* Speech: espeak-ng voices, non-blocking say/stop, heard-segment tags and events, WAV clips,
 * volume measured in what the audio device actually received (SDL's disk driver). */
#include "speech.h"
#include "testlib.h"

#include <SDL.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLIP_AMP 16000
#define FRAME_MS 16.7 /* one frame at 60 Hz: what a UI thread may lose without anyone seeing */
#define N_TIMED  9    /* timed calls per median */

static double now_ms(void)
{
    return (double)SDL_GetPerformanceCounter() * 1000.0 / (double)SDL_GetPerformanceFrequency();
}

static speech *open_speech(Uint32 event_type, int volume)
{
    speech_options o = {.event_type = event_type, .volume = volume};
    speech *s = NULL;
    char err[512] = "";
    int rc = speech_open(&o, &s, err, sizeof err);
    CHECKF(rc == 0 && s, "speech_open: %s", err);
    return s;
}

/* The waits below poll the worker's state; their TEST_GUARD_MS only ends a hang. */
static bool wait_idle(speech *s)
{
    double end = now_ms() + TEST_GUARD_MS;
    while (speech_busy(s) && now_ms() < end)
        SDL_Delay(5);
    return !speech_busy(s);
}

/* Waits until the latest request's stats reach n: segments finished (played false) or samples
 * handed to the device (played true). */
static bool wait_stat(speech *s, bool played, long n)
{
    double end = now_ms() + TEST_GUARD_MS;
    speech_stats st;
    for (;;) {
        speech_get_stats(s, &st);
        long v = played ? st.played_samples : st.segments_done;
        if (v >= n || now_ms() >= end)
            return v >= n;
        SDL_Delay(2);
    }
}

static bool wait_synth(speech *s, int n)
{
    return wait_stat(s, false, n);
}

/* Waits until the device has been handed at least n samples of the latest request. */
static bool wait_played(speech *s, long n)
{
    return wait_stat(s, true, n);
}

/* Says seg, waits for its first audio to reach the device, stops; N_TIMED times. Returns the
 * median time from speech_say to the first audio (speech_stats.first_audio_ms). */
static double first_audio_median(speech *s, const speech_segment *seg)
{
    double ms[N_TIMED];
    for (int i = 0; i < N_TIMED; i++) {
        CHECK(speech_say(s, seg, 1) == 0);
        CHECK(wait_played(s, 1));
        speech_stats st;
        speech_get_stats(s, &st);
        ms[i] = st.first_audio_ms;
        speech_stop(s);
    }
    return test_median(ms, N_TIMED);
}

static void put_le16(FILE *f, unsigned v)
{
    fputc((int)(v & 0xff), f);
    fputc((int)((v >> 8) & 0xff), f);
}

static void put_le32(FILE *f, uint32_t v)
{
    put_le16(f, v & 0xffff);
    put_le16(f, v >> 16);
}

/* Writes a WAV of a 440 Hz sine (amplitude CLIP_AMP) by hand: PCM, 8 or 16 bit. */
static char *write_wav(const char *dir, const char *name, int rate, int channels, int bits,
                       double seconds)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f)
        return path;
    int frames = (int)(rate * seconds);
    int bps = bits / 8;
    uint32_t data = (uint32_t)(frames * channels * bps);
    fwrite("RIFF", 1, 4, f);
    put_le32(f, 36 + data);
    fwrite("WAVEfmt ", 1, 8, f);
    put_le32(f, 16);
    put_le16(f, 1);
    put_le16(f, (unsigned)channels);
    put_le32(f, (uint32_t)rate);
    put_le32(f, (uint32_t)(rate * channels * bps));
    put_le16(f, (unsigned)(channels * bps));
    put_le16(f, (unsigned)bits);
    fwrite("data", 1, 4, f);
    put_le32(f, data);
    for (int i = 0; i < frames; i++) {
        double v = SDL_sin(2.0 * M_PI * 440.0 * i / rate) * CLIP_AMP;
        for (int c = 0; c < channels; c++) {
            if (bits == 16)
                put_le16(f, (unsigned)(uint16_t)(int16_t)v);
            else
                fputc((int)(128 + v / 256.0), f);
        }
    }
    fclose(f);
    return path;
}

static const char *NL_Q = "Hoe tevreden bent u over de speeltuin in uw buurt?";
static const char *AR_Q = "ما مدى رضاك عن الملعب في حيك؟";
static const char *UK_Q = "Наскільки ви задоволені дитячим майданчиком у вашому районі?";

static void test_every_language_has_voice(void)
{
    speech *s = open_speech(0, 0);
    if (!s)
        return;
    static const char *resident[] = {"nl", "en", "ar", "tr", "pl", "uk"};
    for (size_t i = 0; i < sizeof resident / sizeof *resident; i++)
        CHECKF(speech_has_voice(s, resident[i]), "no espeak-ng voice for %s", resident[i]);
    CHECK(speech_has_voice(s, "nl-BE"));
    CHECK(!speech_has_voice(s, "ti")); /* Tigrinya, Somali, Limburgish: clips needed */
    CHECK(!speech_has_voice(s, "so"));
    CHECK(!speech_has_voice(s, "li"));
    CHECK(!speech_has_voice(s, ""));
    CHECK(!speech_has_voice(s, NULL));

    /* And each really selects its own voice when speaking (no fallback). */
    speech_segment segs[6];
    static const char *words[] = {"Ja", "Yes", "نعم", "Evet", "Tak", "Так"};
    for (int i = 0; i < 6; i++)
        segs[i] = (speech_segment){.text = words[i], .lang = resident[i], .tag = i};
    CHECK(speech_say(s, segs, 6) == 0);
    CHECK(wait_synth(s, 6));
    speech_stats st;
    speech_get_stats(s, &st);
    for (int i = 0; i < 6; i++)
        CHECKF(!st.fell_back[i] && st.samples[i] > 0, "%s: fell_back=%d samples=%ld", resident[i],
               st.fell_back[i], st.samples[i]);
    speech_close(s);
}

static void test_languages_produce_sound(void)
{
    speech *s = open_speech(0, 10);
    if (!s)
        return;
    speech_segment segs[] = {{.text = NL_Q, .lang = "nl", .tag = 0},
                             {.text = AR_Q, .lang = "ar", .tag = 1},
                             {.text = UK_Q, .lang = "uk", .tag = 2}};
    CHECK(speech_say(s, segs, 3) == 0);
    CHECK(wait_synth(s, 3));
    speech_stats st;
    speech_get_stats(s, &st);
    CHECK(st.n_segments == 3);
    for (int i = 0; i < 3; i++) {
        double sec = (double)st.samples[i] / SPEECH_RATE;
        CHECKF(sec > 1.0 && sec < 15.0, "segment %d: %.2f s of speech", i, sec);
        CHECKF(st.peak[i] > 3000, "segment %d: peak %d", i, st.peak[i]);
        CHECK(!st.from_clip[i] && !st.fell_back[i]);
        fprintf(stderr, "  %s: %.2f s speech synthesised in %.1f ms (%.0fx real time), peak %d\n",
                segs[i].lang, sec, st.synth_ms[i], sec * 1000.0 / (st.synth_ms[i] + 1e-3),
                st.peak[i]);
    }
    /* The device really receives non-silent audio. */
    double end = now_ms() + TEST_GUARD_MS;
    while (now_ms() < end && st.played_peak < 3000) {
        SDL_Delay(10);
        speech_get_stats(s, &st);
    }
    CHECKF(st.played_peak >= 3000, "played peak %d", st.played_peak);
    CHECKF(st.first_audio_ms >= 0, "first audio after %.1f ms", st.first_audio_ms);
    fprintf(stderr, "  first audio of a question after %.1f ms\n", st.first_audio_ms);
    speech_close(s);
}

/* Synthesis is streamed: the first audio of a long text comes as soon as that of a word. (How
 * soon in milliseconds is a benchmark figure, bench_speech; a loaded machine slows both of
 * these alike, while a kiosk that synthesised a text before playing it would add the whole
 * synthesis to the long one.) */
static void test_first_audio_streamed(void)
{
    speech *s = open_speech(0, 0);
    if (!s)
        return;
    char text[4096];
    size_t pos = 0;
    while (pos + strlen(NL_Q) + 2 < sizeof text)
        pos += (size_t)snprintf(text + pos, sizeof text - pos, "%s ", NL_Q);
    speech_segment word = {.text = "Ja", .lang = "nl", .tag = 0};
    speech_segment question = {.text = text, .lang = "nl", .tag = 0};
    double w = first_audio_median(s, &word);
    double q = first_audio_median(s, &question);
    fprintf(stderr, "  first audio: a word %.1f ms, a %zu-character text %.1f ms (medians)\n", w,
            pos, q);
    /* One device buffer (1024 samples) of slack: where in its period a request falls. */
    double buffer_ms = 1024.0 * 1000 / SPEECH_RATE;
    CHECKF(q < 2 * w + buffer_ms, "first audio of a long text after %.1f ms, of a word %.1f ms", q,
           w);
    speech_close(s);
}

static void test_say_and_stop_never_block(void)
{
    speech *s = open_speech(0, 0);
    if (!s)
        return;
    enum { LONG_TEXT = 5200 };
    char *text = malloc(LONG_TEXT + 1);
    const char *sentence = "Wat vindt u van de verlichting en de veiligheid op straat, 's avonds? ";
    size_t sl = strlen(sentence), pos = 0;
    while (pos + sl < LONG_TEXT) {
        memcpy(text + pos, sentence, sl);
        pos += sl;
    }
    text[pos] = '\0';
    CHECK(pos > 5000);

    speech_segment seg = {.text = text, .lang = "nl", .tag = 3};
    /* Each say replaces one whose synthesis is running (every other one after a first audio
     * reached the device, so with audio queued as well). The yardstick is the same call on an
     * idle engine in the same run: a loaded machine slows both alike, while a say that waited on
     * synthesis would add that to every call. */
    double idle[N_TIMED], busy[N_TIMED];
    for (int i = 0; i < N_TIMED; i++) {
        double t0 = now_ms();
        CHECK(speech_say(s, &seg, 1) == 0);
        idle[i] = now_ms() - t0;
        speech_stop(s);
    }
    CHECK(speech_say(s, &seg, 1) == 0);
    for (int i = 0; i < N_TIMED; i++) {
        if (i % 2)
            CHECK(wait_played(s, 1));
        double t0 = now_ms();
        CHECK(speech_say(s, &seg, 1) == 0);
        busy[i] = now_ms() - t0;
    }
    double base = test_median(idle, N_TIMED), med = test_median(busy, N_TIMED);
    fprintf(stderr,
            "  speech_say (5,000 chars, synthesis running): median %.3f ms, worst %.3f ms; on an "
            "idle engine median %.3f ms\n",
            med, busy[N_TIMED - 1], base);
    CHECKF(med < 2 * base + FRAME_MS / 2, "speech_say took %.3f ms (%.3f ms on an idle engine)",
           med, base);

    /* Synthesis keeps going (streamed) but never runs more than SPEECH_MAX_AHEAD_MS ahead of
     * playback: by the time the device has played two seconds, synthesis unbounded would have
     * made minutes. */
    CHECK(wait_played(s, 2L * SPEECH_RATE));
    speech_stats a, b;
    speech_get_stats(s, &b);
    long cap = (long)SPEECH_RATE * (SPEECH_MAX_AHEAD_MS / 1000 + 5);
    CHECKF(b.samples[0] > SPEECH_RATE * 2, "synthesis progresses: %ld samples", b.samples[0]);
    CHECKF(b.samples[0] < cap, "synthesis ran %ld samples ahead (cap %ld)", b.samples[0], cap);
    CHECK(speech_current_tag(s) == 3);
    CHECK(speech_busy(s));

    /* Queries answer at once while the worker is busy (compared with the same while idle). */
    for (int round = 0; round < 2; round++) {
        double *took = round ? busy : idle;
        if (round)
            CHECK(speech_say(s, &seg, 1) == 0);
        else
            speech_stop(s);
        for (int i = 0; i < N_TIMED; i++) {
            double t0 = now_ms();
            (void)speech_current_tag(s);
            (void)speech_busy(s);
            speech_set_volume(s, 4);
            took[i] = now_ms() - t0;
        }
    }
    base = test_median(idle, N_TIMED), med = test_median(busy, N_TIMED);
    CHECKF(med < 2 * base + FRAME_MS / 2, "queries took %.3f ms (%.3f ms idle)", med, base);

    /* And so does stop during synthesis (compared with a stop when nothing is said). */
    for (int i = 0; i < N_TIMED; i++) {
        speech_stop(s);
        double t0 = now_ms();
        speech_stop(s);
        idle[i] = now_ms() - t0;
        CHECK(speech_say(s, &seg, 1) == 0); /* restart so synthesis is surely in progress */
        t0 = now_ms();
        speech_stop(s);
        busy[i] = now_ms() - t0;
        CHECK(speech_current_tag(s) == -1);
        CHECK(!speech_busy(s));
    }
    base = test_median(idle, N_TIMED), med = test_median(busy, N_TIMED);
    CHECKF(med < 2 * base + FRAME_MS / 2, "speech_stop took %.3f ms (%.3f ms idle)", med, base);
    fprintf(stderr, "  speech_stop during synthesis: median %.3f ms (idle %.3f ms)\n", med, base);

    /* Silence follows: no more samples reach the device and the worker stops synthesising.
     * (An observation window: a slow machine can only make it see less, never fail it.) */
    SDL_Delay(100);
    speech_get_stats(s, &a);
    SDL_Delay(400);
    speech_get_stats(s, &b);
    CHECKF(b.played_samples == a.played_samples, "played %ld -> %ld after stop", a.played_samples,
           b.played_samples);
    CHECKF(b.synth_total == a.synth_total, "synthesised %ld -> %ld after stop", a.synth_total,
           b.synth_total);
    CHECK(speech_current_tag(s) == -1);

    /* Closing while a long text is being spoken returns promptly: compared with closing an
     * idle engine (the device's own buffer), not with the minutes the text would take. */
    speech_close(s);
    double closes[3];
    for (int i = 0; i < 3; i++) {
        s = open_speech(0, 0);
        if (!s)
            break;
        double t0 = now_ms();
        speech_close(s);
        closes[i] = now_ms() - t0;
    }
    s = open_speech(0, 0);
    if (s) {
        base = test_median(closes, 3);
        CHECK(speech_say(s, &seg, 1) == 0);
        CHECK(wait_played(s, 1));
        double t0 = now_ms();
        speech_close(s);
        double tc = now_ms() - t0;
        fprintf(stderr, "  speech_close while speaking: %.1f ms (idle %.1f ms)\n", tc, base);
        CHECKF(tc < 4 * base + 250, "speech_close took %.1f ms (%.1f ms idle)", tc, base);
    }
    free(text);
}

static void test_tags_follow_what_is_heard(void)
{
    Uint32 ev = SDL_RegisterEvents(1);
    CHECK(ev != (Uint32)-1);
    speech *s = open_speech(ev, 0);
    SDL_FlushEvent(ev); /* the one saying the start ended (test_start_never_waits) */
    if (!s)
        return;
    speech_segment segs[] = {{.text = "Een", .lang = "nl", .tag = 5},
                             {.text = "Twee", .lang = "nl", .tag = 6},
                             {.text = "Drie", .lang = "nl", .tag = 7}};
    CHECK(speech_current_tag(s) == -1);
    CHECK(!speech_busy(s));
    CHECK(speech_say(s, segs, 3) == 0);
    CHECK(speech_busy(s));
    int seen[16], n_seen = 0;
    int last = -1;
    double end = now_ms() + TEST_GUARD_MS;
    while (speech_busy(s) && now_ms() < end) {
        int t = speech_current_tag(s);
        if (t != last && n_seen < 16) {
            seen[n_seen++] = t;
            last = t;
        }
        SDL_Delay(2);
    }
    CHECK(!speech_busy(s));
    CHECK(speech_current_tag(s) == -1);
    CHECKF(n_seen == 3 && seen[0] == 5 && seen[1] == 6 && seen[2] == 7, "tags seen: %d (%d %d %d)",
           n_seen, n_seen > 0 ? seen[0] : -9, n_seen > 1 ? seen[1] : -9, n_seen > 2 ? seen[2] : -9);

    /* The same changes arrived as SDL events, ending with -1. */
    SDL_Event evs[16];
    int ne = SDL_PeepEvents(evs, 16, SDL_GETEVENT, ev, ev);
    CHECKF(ne == 4, "events: %d", ne);
    static const int want[] = {5, 6, 7, -1};
    for (int i = 0; i < ne && i < 4; i++) {
        CHECKF(evs[i].user.code == want[i], "event %d code %d", i, evs[i].user.code);
        CHECK(evs[i].user.data1 == s);
    }
    /* A word plus the 400 ms pause lies between two highlights: timed by the events' own
     * stamps (taken by the audio thread as it pushes them), not by when this loop saw them. */
    for (int i = 1; ne == 4 && i < 3; i++)
        CHECKF(evs[i].user.timestamp - evs[i - 1].user.timestamp >= SPEECH_PAUSE_MS,
               "%d -> %d after %u ms", want[i - 1], want[i],
               (unsigned)(evs[i].user.timestamp - evs[i - 1].user.timestamp));

    /* A stop while a segment is heard pushes -1 too. */
    CHECK(speech_say(s, segs, 3) == 0);
    end = now_ms() + TEST_GUARD_MS;
    while (speech_current_tag(s) != 5 && now_ms() < end)
        SDL_Delay(2);
    CHECK(speech_current_tag(s) == 5);
    speech_stop(s);
    ne = SDL_PeepEvents(evs, 16, SDL_GETEVENT, ev, ev);
    CHECKF(ne == 2 && evs[0].user.code == 5 && evs[1].user.code == -1, "events after stop: %d", ne);
    speech_close(s);
}

static void test_clip_plays_instead(void)
{
    char *dir = test_tmpdir("speech");
    char *wav16 = write_wav(dir, "q1.wav", 44100, 2, 16, 0.5);
    char *wav8 = write_wav(dir, "q2.wav", 8000, 1, 8, 0.5);
    speech *s = open_speech(0, 10);
    if (!s)
        goto done;
    char missing[1100];
    snprintf(missing, sizeof missing, "%s/missing.wav", dir);
    speech_segment segs[] = {
        {.text = "Dit wordt niet gesynthetiseerd", .lang = "ti", .clip = wav16, .tag = 1},
        {.text = NULL, .lang = "so", .clip = wav8, .tag = 2},
        {.text = "Terugval", .lang = "nl", .clip = missing, .tag = 3}};
    CHECK(speech_say(s, segs, 3) == 0);
    CHECK(wait_synth(s, 3));
    speech_stats st;
    speech_get_stats(s, &st);
    for (int i = 0; i < 2; i++) {
        CHECKF(st.from_clip[i], "segment %d from clip", i);
        CHECKF(labs(st.samples[i] - SPEECH_RATE / 2) < 300, "clip %d: %ld samples", i,
               st.samples[i]);
    }
    CHECKF(abs(st.peak[0] - CLIP_AMP) < 800, "16-bit clip peak %d", st.peak[0]);
    CHECKF(abs(st.peak[1] - CLIP_AMP) < 1200, "8-bit clip peak %d", st.peak[1]);
    CHECK(!st.from_clip[2] && st.samples[2] > SPEECH_RATE / 4); /* missing clip: synthesised */
    CHECK(wait_idle(s));
    speech_get_stats(s, &st);
    CHECKF(st.played_peak >= CLIP_AMP - 800, "played peak %d", st.played_peak);
    speech_close(s);
done:
    remove(wav16);
    remove(wav8);
    remove(dir);
    free(wav16);
    free(wav8);
    free(dir);
}

/* Plays clip at the given volume through SDL's disk driver; returns the peak in the file. */
static int disk_peak(const char *dir, const char *clip, int volume, int set_after_open)
{
    char out[1100];
    snprintf(out, sizeof out, "%s/out-%d-%d.raw", dir, volume, set_after_open);
    SDL_setenv("SDL_DISKAUDIOFILE", out, 1);
    speech *s = open_speech(0, volume);
    if (!s)
        return -1;
    if (set_after_open >= 0)
        speech_set_volume(s, set_after_open);
    speech_segment seg = {.text = "x", .lang = "nl", .clip = clip, .tag = 0};
    CHECK(speech_say(s, &seg, 1) == 0);
    CHECK(wait_idle(s));
    speech_stats st;
    speech_get_stats(s, &st);
    speech_close(s);
    FILE *f = fopen(out, "rb");
    CHECK(f != NULL);
    if (!f)
        return -1;
    int peak = 0;
    long n = 0;
    int16_t buf[4096];
    size_t got;
    while ((got = fread(buf, sizeof *buf, 4096, f)) > 0) {
        for (size_t i = 0; i < got; i++) {
            int a = abs(buf[i]);
            if (a > peak)
                peak = a;
        }
        n += (long)got;
    }
    fclose(f);
    remove(out);
    CHECKF(n >= SPEECH_RATE / 2, "device received %ld samples", n);
    CHECKF(peak == st.played_peak, "file peak %d, stats peak %d", peak, st.played_peak);
    return peak;
}

static void test_volume_scales_output(void)
{
    char *dir = test_tmpdir("speechvol");
    char *wav = write_wav(dir, "tone.wav", 22050, 1, 16, 0.5);
    const char *old = SDL_getenv("SDL_AUDIODRIVER");
    char *saved = old ? SDL_strdup(old) : NULL;
    SDL_setenv("SDL_AUDIODRIVER", "disk", 1);

    int p10 = disk_peak(dir, wav, 10, -1);
    int p5 = disk_peak(dir, wav, 5, -1);
    int p0 = disk_peak(dir, wav, 10, 0);
    CHECKF(abs(p10 - CLIP_AMP) < 50, "peak at volume 10: %d", p10);
    double ratio = p10 > 0 ? (double)p5 / p10 : 0;
    CHECKF(ratio > speech_volume_gain(5) - 0.01 && ratio < speech_volume_gain(5) + 0.01,
           "volume 5 / volume 10 = %.3f (want %.3f)", ratio, speech_volume_gain(5));
    CHECKF(p0 == 0, "peak at volume 0: %d", p0);
    fprintf(stderr, "  disk driver peaks: volume 10 %d, volume 5 %d, volume 0 %d\n", p10, p5, p0);

    if (saved)
        SDL_setenv("SDL_AUDIODRIVER", saved, 1);
    else
        SDL_setenv("SDL_AUDIODRIVER", "dummy", 1);
    SDL_free(saved);

    speech *s = open_speech(0, 0);
    if (s) {
        CHECK(speech_volume(s) == SPEECH_VOLUME_DEFAULT);
        speech_set_volume(s, 99);
        CHECK(speech_volume(s) == SPEECH_VOLUME_MAX);
        speech_set_volume(s, -3);
        CHECK(speech_volume(s) == 0);
        speech_close(s);
    }
    CHECK(speech_volume_gain(0) == 0.0 && speech_volume_gain(10) == 1.0);
    for (int i = 1; i <= 10; i++)
        CHECK(speech_volume_gain(i) > speech_volume_gain(i - 1));
    remove(wav);
    remove(dir);
    free(wav);
    free(dir);
}

static void test_unknown_language_falls_back(void)
{
    speech *s = open_speech(0, 0);
    if (!s)
        return;
    speech_segment segs[] = {{.text = "Maalin wanaagsan", .lang = "so", .tag = 0},
                             {.text = "ሰላም", .lang = "ti", .tag = 1},
                             {.text = "Goeie", .lang = "xx-YY", .tag = 2},
                             {.text = "Dag", .lang = "", .tag = 3},
                             {.text = "Hallo", .lang = NULL, .tag = 4},
                             {.text = "Bom dia", .lang = "pt-BR", .tag = 5},
                             {.text = "Goeiedag", .lang = "nl-BE", .tag = 6}};
    CHECK(speech_say(s, segs, 7) == 0);
    CHECK(wait_synth(s, 7));
    speech_stats st;
    speech_get_stats(s, &st);
    static const bool fb[] = {true, true, true, true, true, false, false};
    for (int i = 0; i < 7; i++)
        CHECKF(st.fell_back[i] == fb[i], "segment %d fell_back %d", i, st.fell_back[i]);
    CHECK(st.samples[0] > 0 && st.samples[2] > 0 && st.samples[5] > 0 && st.samples[6] > 0);
    speech_stop(s);

    /* Bad requests are refused and change nothing. */
    speech_segment bad_tag = {.text = "x", .lang = "nl", .tag = -1};
    speech_segment empty = {.text = "", .lang = "nl", .clip = NULL, .tag = 0};
    speech_segment many[SPEECH_MAX_SEGMENTS + 1];
    for (int i = 0; i <= SPEECH_MAX_SEGMENTS; i++)
        many[i] = (speech_segment){.text = "x", .lang = "nl", .tag = i};
    CHECK(speech_say(NULL, segs, 1) == -1);
    CHECK(speech_say(s, NULL, 1) == -1);
    CHECK(speech_say(s, segs, 0) == -1);
    CHECK(speech_say(s, many, SPEECH_MAX_SEGMENTS + 1) == -1);
    CHECK(speech_say(s, &bad_tag, 1) == -1);
    CHECK(speech_say(s, &empty, 1) == -1);
    CHECK(!speech_busy(s));

    /* An over-long segment is cut at a character boundary, not refused. */
    size_t big = SPEECH_MAX_TEXT + 100;
    char *huge = malloc(big + 1);
    for (size_t i = 0; i + 2 <= big; i += 2)
        memcpy(huge + i, "я", 2);
    huge[big] = '\0';
    speech_segment h = {.text = huge, .lang = "uk", .tag = 0};
    CHECK(speech_say(s, &h, 1) == 0);
    free(huge);
    SDL_Delay(50);
    speech_stop(s);

    speech_stop(NULL);
    CHECK(speech_current_tag(NULL) == -1);
    CHECK(!speech_busy(NULL));
    speech_close(s);
}

/* Runs first: espeak-ng is initialised once per process, by the first successful open. */
static void test_bad_data_path(void)
{
    speech_close(NULL);
    char err[512] = "";
    speech *s = (speech *)1;
    speech_options bad = {.data_path = "/nonexistent/espeak-ng-data"};
    CHECK(speech_open(&bad, &s, err, sizeof err) == -1);
    CHECK(s == NULL);
    CHECKF(strstr(err, "espeak-ng") != NULL, "message: %s", err);
    fprintf(stderr, "  bad data path: %s\n", err);
    s = open_speech(0, 0); /* works after a failed start */
    speech_close(s);
}

static bool next_event(Uint32 ev, SDL_Event *out);

/* espeak-ng is loaded by the worker (speechlib.c): a library that is not there leaves the kiosk
 * without speech, saying which library, and speech starts again with the right one. */
static void test_missing_library(void)
{
    char err[512] = "";
    speech *s = NULL;
    Uint32 ev = SDL_RegisterEvents(1);
    speech_options bad = {.espeak_lib = "/nonexistent/libespeak-ng.so.1", .event_type = ev};
    CHECK(speech_start(&bad, &s, err, sizeof err) == 0);
    SDL_Event e;
    CHECK(next_event(ev, &e));
    CHECK(speech_state(s, err, sizeof err) == SPEECH_FAILED);
    CHECKF(strstr(err, "/nonexistent/libespeak-ng.so.1") != NULL, "message: %s", err);
    fprintf(stderr, "  missing library: %s\n", err);
    speech_close(s);
    s = open_speech(0, 0); /* the package's library: works after a failed start */
    CHECK(s != NULL);
    speech_close(s);
}

static void test_one_owner(void)
{
    char err[512] = "";
    speech *a = open_speech(0, 0);
    speech *b = NULL;
    CHECK(speech_open(NULL, &b, err, sizeof err) == -1);
    CHECK(b == NULL);
    CHECKF(strstr(err, "already open") != NULL, "message: %s", err);
    speech_close(a);
    b = open_speech(0, 0); /* and again after close */
    if (b) {
        speech_segment seg = {.text = "Opnieuw", .lang = "nl", .tag = 0};
        CHECK(speech_say(b, &seg, 1) == 0);
        CHECK(wait_synth(b, 1));
    }
    speech_close(b);
}

/* Waits for one event of type ev (the guard only ends a hang). */
static bool next_event(Uint32 ev, SDL_Event *out)
{
    double end = now_ms() + TEST_GUARD_MS;
    while (now_ms() < end) {
        SDL_PumpEvents();
        if (SDL_PeepEvents(out, 1, SDL_GETEVENT, ev, ev) == 1)
            return true;
        SDL_Delay(2);
    }
    return false;
}

/* speech_start returns while the worker has not even begun to start espeak-ng (held at a gate),
 * so the UI thread never waits for it: what is asked for meanwhile is kept, and said once the
 * start ends, which an event announces. */
static void test_start_never_waits(void)
{
    char err[512] = "";
    Uint32 ev = SDL_RegisterEvents(1);
    SDL_sem *gate = SDL_CreateSemaphore(0);
    CHECK(ev != (Uint32)-1 && gate);
    speech_options o = {.event_type = ev, .start_gate = gate};
    speech *s = NULL;
    CHECKF(speech_start(&o, &s, err, sizeof err) == 0 && s, "speech_start: %s", err);
    if (!s) {
        SDL_DestroySemaphore(gate);
        return;
    }
    CHECK(speech_state(s, err, sizeof err) == SPEECH_STARTING);
    CHECK(!speech_has_voice(s, "nl")); /* no voice list yet */
    speech_segment seg = {.text = "Welkom bij de peiling", .lang = "nl", .tag = 3};
    CHECK(speech_say(s, &seg, 1) == 0);
    CHECK(speech_busy(s));
    SDL_Event e;
    CHECK(SDL_PeepEvents(&e, 1, SDL_PEEKEVENT, ev, ev) == 0); /* nothing to tell yet */
    SDL_SemPost(gate);
    CHECK(next_event(ev, &e) && e.user.code == -1 && e.user.data1 == s);
    CHECK(speech_state(s, err, sizeof err) == SPEECH_READY);
    CHECK(speech_has_voice(s, "nl"));
    CHECK(speech_wait_ready(s, err, sizeof err) == 0);
    CHECK(wait_synth(s, 1)); /* the request made while starting was said */
    speech_stats st;
    speech_get_stats(s, &st);
    CHECK(st.samples[0] > 0);
    speech_close(s);
    SDL_DestroySemaphore(gate);
}

/* A start that fails on the worker (here: no such audio device) is told by the event and
 * speech_state, with the reason; speech_open still reports it as its own error. */
static void test_start_fails_later(void)
{
    char err[512] = "";
    Uint32 ev = SDL_RegisterEvents(1);
    speech_options o = {.event_type = ev, .audio_device = "no-such-device"};
    speech *s = NULL;
    CHECKF(speech_start(&o, &s, err, sizeof err) == 0 && s, "speech_start: %s", err);
    if (!s)
        return;
    speech_segment seg = {.text = "Hallo", .lang = "nl", .tag = 0};
    CHECK(speech_say(s, &seg, 1) == 0);
    SDL_Event e;
    CHECK(next_event(ev, &e) && e.user.data1 == s);
    err[0] = '\0';
    CHECK(speech_state(s, err, sizeof err) == SPEECH_FAILED);
    CHECKF(strstr(err, "no-such-device") != NULL, "reason: %s", err);
    CHECK(!speech_busy(s)); /* what was asked is dropped */
    speech_close(s);
    s = (speech *)1;
    CHECK(speech_open(&o, &s, err, sizeof err) == -1 && s == NULL);
    CHECKF(strstr(err, "no-such-device") != NULL, "reason: %s", err);
    CHECK(speech_state(NULL, NULL, 0) == SPEECH_FAILED);
}

int main(void)
{
    if (SDL_Init(SDL_INIT_EVENTS) != 0) {
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
        return 1;
    }
    RUN(test_bad_data_path);
    RUN(test_missing_library);
    RUN(test_every_language_has_voice);
    RUN(test_languages_produce_sound);
    RUN(test_first_audio_streamed);
    RUN(test_say_and_stop_never_block);
    RUN(test_tags_follow_what_is_heard);
    RUN(test_clip_plays_instead);
    RUN(test_volume_scales_output);
    RUN(test_unknown_language_falls_back);
    RUN(test_one_owner);
    RUN(test_start_never_waits);
    RUN(test_start_fails_later);
    SDL_Quit();
    return test_main();
}
