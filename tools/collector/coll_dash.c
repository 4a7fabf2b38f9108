/* The collector's web dashboard (see coll_dash.h). */
#include "coll_dash.h"

#include "coll_health.h"
#include "coll_html.h"
#include "coll_export.h"
#include "coll_pub.h"
#include "coll_pubup.h"
#include "coll_report.h"
#include "coll_results.h"
#include "coll_user.h"
#include "coll_views.h"
#include "config.h"
#include "fleet.h"
#include "util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define DASH_MAX_BODY    16384 /* bytes of a form */
#define DASH_MAX_HASHING 4     /* sign-ins hashed at once (argon2id takes 64 MiB each) */

struct coll_dash {
    coll_db *db;
    coll_results_sets *sets;
    int64_t k, idle_ms, silent_ms;
    bool tls, behind_proxy, results_from_responses;
    char *hold;
    pthread_mutex_t mu;
    pthread_cond_t idle;
    int hashing;   /* sign-in threads running */
    bool draining; /* the daemon is stopping: no more sign-in threads */
};

typedef enum { REQ_NEW, REQ_HASHING, REQ_HASHED, REQ_ANSWERED } req_state;
typedef enum { JOB_SIGNIN, JOB_USER_ADD, JOB_USER_PASSWD } req_job; /* what is hashed */

typedef struct {
    coll_dash *d;
    struct MHD_Connection *c;
    struct MHD_PostProcessor *pp;
    req_state st;
    size_t body;
    bool too_big;
    char user[COLL_USER_NAME_MAX + 1], password[COLL_USER_PASS_MAX + 2],
        csrf[COLL_USER_TOKEN_LEN + 1], lang[4];
    char addr[64];
    int verify; /* coll_user_verify's answer (or user add's, passwd's) */
    char role[COLL_USER_ROLE_MAX];
    /* the administration's forms */
    req_job job;
    bool job_started; /* set by the event loop only: a hashing thread owns r->st from then on */
    char action[16], name[COLL_NAME_MAX], location[COLL_NAME_MAX], newrole[COLL_USER_ROLE_MAX],
        kval[16], silent[16];
    char msg[WP_ERR_LEN];
    char confirm[8]; /* "yes": the second step of a revoke */
    /* publishing (an administrator's upload only: NULL otherwise, and files are dropped) */
    coll_pubup *up;
    char devices[COLL_PUB_MAX_DEVICES * 8], from[32], until[32], force[8], pubid[COLL_PUB_ID_LEN];
} dash_req;

/* ---- the two interface languages ---------------------------------------------------------- */

typedef enum {
    T_SKIP,
    T_MENU,
    T_KIOSKS,
    T_RESULTS,
    T_SIGNOUT,
    T_SIGNIN,
    T_NAME,
    T_PASSWORD,
    T_WRONG,
    T_THROTTLED,
    T_BUSY,
    T_FORGED,
    T_PLAIN,
    T_NOTFOUND,
    T_SIGNED_AS,
    T_K_COL,
    T_K_LOC,
    T_K_LAST,
    T_K_PENDING,
    T_K_OLDEST,
    T_K_GAPS,
    T_K_CONFLICTS,
    T_K_CLOCK,
    T_K_DISK,
    T_K_VERSION,
    T_K_SET,
    T_K_FLAGS,
    T_K_NONE,
    T_K_OK,
    T_F_SILENT,
    T_F_GAPS,
    T_F_CONFLICTS,
    T_F_CLOCK,
    T_F_DISK,
    T_F_REVOKED,
    T_NEVER,
    T_YES,
    T_NO,
    T_UNKNOWN,
    T_K_SUMMARY,
    T_R_CHOOSE,
    T_R_NOSETS,
    T_R_FILTER,
    T_R_LOCATION,
    T_R_LANGUAGE,
    T_R_FROM,
    T_R_TO,
    T_R_ALL,
    T_R_APPLY,
    T_R_K,
    T_R_BADDATE,
    T_OTHER_LANG,
    T_R_FLAGGED,
    T_R_FLAG_IN,
    T_R_FLAG_OUT,
    T_R_STATUS,
    T_R_COMPLETE,
    T_R_ABANDONED,
    T_R_WEEKDAYS,
    T_R_HOUR_FROM,
    T_R_HOUR_TO,
    T_DOWNLOADS,
    T_ADMIN_ONLY,
    T_A_DEVICES,
    T_A_USERS,
    T_A_CONFLICTS,
    T_A_SETTINGS,
    T_A_NAME,
    T_A_CREATED,
    T_A_STATE,
    T_A_ACTIONS,
    T_A_ACTIVE,
    T_A_REVOKED,
    T_A_ADD_DEVICE,
    T_A_ADD,
    T_A_REVOKE,
    T_A_ROTATE,
    T_A_TOKEN,
    T_A_ONCE,
    T_A_DONE,
    T_A_FAILED,
    T_A_ROLE,
    T_A_ADD_USER,
    T_A_REMOVE,
    T_A_RESET,
    T_A_NEWPW,
    T_A_SELF,
    T_A_C_ID,
    T_A_C_RECEIVED,
    T_A_C_SENT,
    T_A_C_SENT_ANS,
    T_A_C_HELD,
    T_A_C_HELD_ANS,
    T_A_C_NONE,
    T_A_C_BIG,
    T_A_C_SEALED,
    T_A_K,
    T_A_SILENT,
    T_A_SAVE,
    T_A_BADVALUE,
    T_A_ONCE_NEW,
    T_A_REVOKE_ASK,
    T_A_REVOKE_WHAT,
    T_A_REVOKE_YES,
    T_A_CANCEL,
    T_R_DATE_ORDER,
    T_V_TABS,
    T_V_RESULTS,
    T_V_COMPARE,
    T_V_TREND,
    T_V_CROSSTAB,
    T_P_TITLE,
    T_P_NEW,
    T_P_SET,
    T_P_SIG,
    T_P_MEDIA,
    T_P_DEVICES,
    T_P_FROM,
    T_P_UNTIL,
    T_P_FORCE,
    T_P_PUBLISH,
    T_P_LIST,
    T_P_NONE,
    T_P_ID,
    T_P_WHAT,
    T_P_WHERE,
    T_P_EVERY,
    T_P_NOW,
    T_P_NOEND,
    T_P_FILES,
    T_P_WITHDRAW,
    T_P_PER_KIOSK,
    T_P_NO_KIOSKS,
    T_P_CENTRE,
    T_P_KIOSK_SAYS,
    T_P_REASON,
    T_P_PUBLISHED,
    T_P_WITHDRAWN_OK,
    T_P_NOT_FOUND,
    T_P_BAD_TIME,
    T_P_DETAIL,
    T_P_WHY_OTHER,
    T_P_WHY_NAME,
    T_P_WHY_NO_SIG,
    T_P_WHY_BAD_SIG,
    T_P_WHY_TAMPERED,
    T_P_WHY_NOT_SET,
    T_P_WHY_SETTINGS,
    T_P_WHY_MISSING,
    T_P_WHY_NO_SET,
    T_P_WHY_MISMATCH,
    T_P_WHY_TOO_BIG,
    T_P_WHY_WHEN,
    T_P_WHY_LOCATION,
    T_P_WHY_DEVICE,
    T_P_WHY_UNLISTED,
    T_P_S_WAITING,
    T_P_S_ACTIVE,
    T_P_S_ENDED,
    T_P_S_WITHDRAWN,
    T_P_S_DUE,
    T_P_S_FAILED,
    T_P_S_UNREPORTED,
    T_P_S_NOT_ASSIGNED,
    T_P_SRC_NETWORK,
    T_P_SRC_STICK,
    T_P_SETTINGS,
    T_P_FROM_COL,
    T_P_UNTIL_COL,
    T_P_WITHDRAW_ASK,
    T_P_WITHDRAW_SET,
    T_P_WITHDRAW_SETTINGS,
    T_P_K_UNSIGNED,
    T_P_K_UNKNOWN_KEY,
    T_P_K_TAMPERED,
    T_P_K_INVALID,
    T_P_K_TOO_LARGE,
    T_P_K_UNSAFE,
    T_P_K_UNREADABLE,
    T_P_K_SETTINGS,
    T_P_K_NOT_KEPT,
    T_P_K_NOT_INSTALLED,
    T_P_K_MISSING,
    T_P_CONF_LINE,
    T_P_CONF_NOT_TEXT,
    T_P_CONF_SYNTAX,
    T_P_CONF_UNKNOWN,
    T_P_CONF_NOT_REMOTE,
    T_P_CONF_INT,
    T_P_CONF_BOOL,
    T_P_CONF_HOURS,
    T_P_CONF_STR,
    T_P_CONF_VALUE,
    T_P_CONF_MORE,
    T_COUNT
} text_id;

static const char *const texts[T_COUNT][2] = {
    [T_SKIP] = {"Naar de inhoud", "Skip to content"},
    [T_MENU] = {"Hoofdmenu", "Main menu"},
    [T_KIOSKS] = {"Kiosks", "Kiosks"},
    [T_RESULTS] = {"Resultaten", "Results"},
    [T_SIGNOUT] = {"Afmelden", "Sign out"},
    [T_SIGNIN] = {"Aanmelden", "Sign in"},
    [T_NAME] = {"Gebruikersnaam", "User name"},
    [T_PASSWORD] = {"Wachtwoord", "Password"},
    [T_WRONG] = {"Onjuiste gebruikersnaam of wachtwoord.", "Wrong user name or password."},
    [T_THROTTLED] = {"Te veel mislukte pogingen. Probeer het over een kwartier opnieuw.",
                     "Too many failed attempts. Try again in a quarter of an hour."},
    [T_BUSY] = {"Het dashboard is even druk. Probeer het zo opnieuw.",
                "The dashboard is busy. Try again in a moment."},
    [T_FORGED] = {"Dit formulier is verlopen of niet van dit dashboard. Laad de pagina opnieuw.",
                  "This form has expired or is not from this dashboard. Reload the page."},
    [T_PLAIN] = {"Het dashboard is alleen via HTTPS bereikbaar.",
                 "The dashboard is only available over HTTPS."},
    [T_NOTFOUND] = {"Deze pagina bestaat niet.", "This page does not exist."},
    [T_SIGNED_AS] = {"Aangemeld als", "Signed in as"},
    [T_K_COL] = {"Kiosk", "Kiosk"},
    [T_K_LOC] = {"Locatie", "Location"},
    [T_K_LAST] = {"Laatste contact", "Last contact"},
    [T_K_PENDING] = {"Wachtend", "Pending"},
    [T_K_OLDEST] = {"Oudste wachtende", "Oldest pending"},
    [T_K_GAPS] = {"Gaten", "Gaps"},
    [T_K_CONFLICTS] = {"Conflicten", "Conflicts"},
    [T_K_CLOCK] = {"Klok gelijk", "Clock synced"},
    [T_K_DISK] = {"Vrije schijf", "Free disk"},
    [T_K_VERSION] = {"Versie", "Version"},
    [T_K_SET] = {"Vragenlijst", "Question set"},
    [T_K_FLAGS] = {"Signalen", "Alerts"},
    [T_K_NONE] = {"Nog geen kiosks (wijkpeil-collector device add).",
                  "No kiosks yet (wijkpeil-collector device add)."},
    [T_K_OK] = {"in orde", "fine"},
    [T_F_SILENT] = {"te lang stil", "silent too long"},
    [T_F_GAPS] = {"gaten in de volgnummers", "gaps in sequence numbers"},
    [T_F_CONFLICTS] = {"conflicten", "conflicts"},
    [T_F_CLOCK] = {"klok niet gelijk", "clock not synced"},
    [T_F_DISK] = {"weinig schijfruimte", "low disk space"},
    [T_F_REVOKED] = {"ingetrokken", "revoked"},
    [T_NEVER] = {"nooit", "never"},
    [T_YES] = {"ja", "yes"},
    [T_NO] = {"nee", "no"},
    [T_UNKNOWN] = {"onbekend", "unknown"},
    [T_K_SUMMARY] = {"%d kiosks, waarvan %d met een signaal.", "%d kiosks, %d with an alert."},
    [T_R_CHOOSE] = {"Kies een vragenlijst", "Choose a question set"},
    [T_R_NOSETS] = {"Geen vragenlijsten bekend: start de collector met --qset BESTAND.",
                    "No question sets known: start the collector with --qset FILE."},
    [T_R_FILTER] = {"Filter", "Filter"},
    [T_R_LOCATION] = {"Locatie", "Location"},
    [T_R_LANGUAGE] = {"Taal", "Language"},
    [T_R_FROM] = {"Vanaf (datum)", "From (date)"},
    [T_R_TO] = {"Tot en met (datum)", "To (date, inclusive)"},
    [T_R_ALL] = {"alle", "all"},
    [T_R_APPLY] = {"Toon", "Show"},
    [T_R_K] = {"Aantallen onder %lld worden nooit getoond, ook niet af te leiden uit totalen.",
               "Counts below %lld are never shown, nor can they be derived from totals."},
    [T_R_BADDATE] = {"Een datum is JJJJ-MM-DD.", "A date is YYYY-MM-DD."},
    [T_OTHER_LANG] = {"English", "Nederlands"},
    [T_R_FLAGGED] = {"Gemarkeerde antwoorden", "Flagged responses"},
    [T_R_FLAG_IN] = {"meetellen", "include"},
    [T_R_FLAG_OUT] = {"weglaten", "leave out"},
    [T_R_STATUS] = {"Status", "Status"},
    [T_R_COMPLETE] = {"volledig", "complete"},
    [T_R_ABANDONED] = {"afgebroken", "abandoned"},
    [T_R_WEEKDAYS] = {"Weekdagen (geen: alle)", "Weekdays (none: all)"},
    [T_R_HOUR_FROM] = {"Vanaf uur", "From hour"},
    [T_R_HOUR_TO] = {"Tot uur", "Until hour"},
    [T_DOWNLOADS] = {"Alle antwoorden downloaden (alleen beheerders)",
                     "Download every response (administrators only)"},
    [T_ADMIN_ONLY] = {"Alleen voor beheerders.", "For administrators only."},
    [T_A_DEVICES] = {"Apparaten", "Devices"},
    [T_A_USERS] = {"Gebruikers", "Users"},
    [T_A_CONFLICTS] = {"Conflicten", "Conflicts"},
    [T_A_SETTINGS] = {"Instellingen", "Settings"},
    [T_A_NAME] = {"Naam", "Name"},
    [T_A_CREATED] = {"Toegevoegd", "Added"},
    [T_A_STATE] = {"Staat", "State"},
    [T_A_ACTIONS] = {"Acties", "Actions"},
    [T_A_ACTIVE] = {"actief", "active"},
    [T_A_REVOKED] = {"ingetrokken", "revoked"},
    [T_A_ADD_DEVICE] = {"Apparaat toevoegen", "Add a device"},
    [T_A_ADD] = {"Toevoegen", "Add"},
    [T_A_REVOKE] = {"Intrekken", "Revoke"},
    [T_A_ROTATE] = {"Nieuw token", "New token"},
    [T_A_TOKEN] = {"Token van", "Token of"},
    [T_A_ONCE] = {"– zet het in de instellingen van de kiosk als \"token = ...\"; het wordt maar "
                  "één keer getoond, het oude werkt niet meer:",
                  "– put it in the kiosk's settings as \"token = ...\"; it is shown only once, "
                  "the old one no longer works:"},
    [T_A_DONE] = {"Gedaan.", "Done."},
    [T_A_FAILED] = {"Niet gelukt: ", "Not done: "},
    [T_A_ROLE] = {"Rol", "Role"},
    [T_A_ADD_USER] = {"Gebruiker toevoegen", "Add a user"},
    [T_A_REMOVE] = {"Verwijderen", "Remove"},
    [T_A_RESET] = {"Wachtwoord instellen", "Set password"},
    [T_A_NEWPW] = {"Nieuw wachtwoord voor", "New password for"},
    [T_A_SELF] = {"u kunt uzelf niet verwijderen", "you cannot remove yourself"},
    [T_A_C_ID] = {"Antwoord (id)", "Response (id)"},
    [T_A_C_RECEIVED] = {"Ontvangen", "Received"},
    [T_A_C_SENT] = {"Verstuurd door", "Sent by"},
    [T_A_C_SENT_ANS] = {"Verstuurde versie", "Version sent"},
    [T_A_C_HELD] = {"Bewaard van", "Held from"},
    [T_A_C_HELD_ANS] = {"Bewaarde versie", "Version held"},
    [T_A_C_NONE] = {"Geen conflicten.", "No conflicts."},
    [T_A_C_BIG] = {"(te groot om te bewaren)", "(too large to keep)"},
    [T_A_C_SEALED] = {"(verzegeld)", "(sealed)"},
    [T_A_K] = {"Kleinste aantal dat getoond wordt (k, minstens %lld)",
               "Smallest count shown (k, at least %lld)"},
    [T_A_SILENT] = {"Kiosk stil na (minuten)", "Kiosk silent after (minutes)"},
    [T_A_SAVE] = {"Opslaan", "Save"},
    [T_A_BADVALUE] = {"ongeldige waarde", "invalid value"},
    [T_A_ONCE_NEW] =
        {"– zet het in de instellingen van de kiosk als \"token = ...\"; het wordt maar "
         "één keer getoond:",
         "– put it in the kiosk's settings as \"token = ...\"; it is shown only once:"},
    [T_A_REVOKE_ASK] = {"Kiosk intrekken?", "Revoke the kiosk?"},
    [T_A_REVOKE_WHAT] = {"Het token van deze kiosk wordt vanaf nu geweigerd; wat hij al stuurde, "
                         "blijft bewaard. Dit is niet terug te draaien: de kiosk krijgt pas weer "
                         "toegang als hij opnieuw wordt toegevoegd.",
                         "The kiosk's token is refused from now on; what it sent is kept. This "
                         "cannot be undone: the kiosk gets access again only when it is added "
                         "anew."},
    [T_A_REVOKE_YES] = {"Ja, intrekken", "Yes, revoke"},
    [T_A_CANCEL] = {"Annuleren", "Cancel"},
    [T_R_DATE_ORDER] = {"De begindatum ligt na de einddatum: geen gegevens in die periode.",
                        "The start date is after the end date: no data in that period."},
    [T_V_TABS] = {"Weergaven", "Views"},
    [T_V_RESULTS] = {"Per vraag", "Per question"},
    [T_V_COMPARE] = {"Locaties naast elkaar", "Locations side by side"},
    [T_V_TREND] = {"Trend", "Trend"},
    [T_V_CROSSTAB] = {"Kruistabel", "Cross-tab"},
    [T_P_TITLE] = {"Publiceren", "Publishing"},
    [T_P_NEW] = {"Nieuwe publicatie", "New publication"},
    [T_P_SET] = {"Vragenset (.json) of instellingen (.conf)",
                 "Question set (.json) or settings document (.conf)"},
    [T_P_SIG] = {"De handtekening ervan (.sig)", "Its signature (.sig)"},
    [T_P_MEDIA] = {"De geluiden en pictogrammen van de set (meerdere mogelijk)",
                   "The set's clips and icons (several allowed)"},
    [T_P_DEVICES] = {"Alleen deze kiosken (namen gescheiden door spaties; leeg: elke kiosk daar)",
                     "Only these kiosks (names separated by spaces; empty: every kiosk there)"},
    [T_P_FROM] = {"Vanaf (Nederlandse tijd; leeg: meteen)", "From (Amsterdam time; empty: now)"},
    [T_P_UNTIL] = {"Tot (Nederlandse tijd; leeg: zonder einde)",
                   "Until (Amsterdam time; empty: without end)"},
    [T_P_FORCE] = {"Ook als daar (nog) geen kiosk is aangemeld",
                   "Also when no kiosk is registered there (yet)"},
    [T_P_PUBLISH] = {"Publiceren", "Publish"},
    [T_P_LIST] = {"Publicaties", "Publications"},
    [T_P_NONE] = {"Nog geen publicaties.", "No publications yet."},
    [T_P_ID] = {"Publicatie", "Publication"},
    [T_P_WHAT] = {"Wat", "What"},
    [T_P_WHERE] = {"Waar", "Where"},
    [T_P_EVERY] = {"elke kiosk", "every kiosk"},
    [T_P_NOW] = {"meteen", "now"},
    [T_P_NOEND] = {"zonder einde", "without end"},
    [T_P_FILES] = {"Bestanden", "Files"},
    [T_P_WITHDRAW] = {"Intrekken", "Withdraw"},
    [T_P_PER_KIOSK] = {"Per kiosk", "Per kiosk"},
    [T_P_NO_KIOSKS] = {"Nog niets toegewezen aan een kiosk.", "Nothing assigned to a kiosk yet."},
    [T_P_CENTRE] = {"Volgens de centrale", "The centre says"},
    [T_P_KIOSK_SAYS] = {"Volgens de kiosk", "The kiosk says"},
    [T_P_REASON] = {"Reden", "Reason"},
    [T_P_PUBLISHED] = {"Gepubliceerd als", "Published as"},
    [T_P_WITHDRAWN_OK] = {"Ingetrokken: de kiosken gaan bij de volgende synchronisatie terug naar "
                          "wat ze ervoor hadden.",
                          "Withdrawn: the kiosks return to what they had before at their next "
                          "sync."},
    [T_P_NOT_FOUND] = {"Die publicatie bestaat niet of is al ingetrokken.",
                       "There is no such publication, or it was withdrawn already."},
    [T_P_BAD_TIME] = {"Vanaf en tot: een datum met tijd, bijvoorbeeld 2027-03-01 08:00.",
                      "From and until: a date with a time, e.g. 2027-03-01 08:00."},
    [T_P_DETAIL] = {"Details", "Details"},
    [T_P_WHY_OTHER] = {"%s: niet gepubliceerd.", "%s: not published."},
    [T_P_WHY_NAME] = {"%s: deze bestandsnaam kan niet (alleen letters, cijfers, '-', '_' en '.').",
                      "%s: this file name cannot be used (letters, digits, '-', '_' and '.' "
                      "only)."},
    [T_P_WHY_NO_SIG] = {"%s ontbreekt: kiosken nemen alleen ondertekende sets aan (onderteken de "
                        "set met wijkpeil-qset sign).",
                        "%s is missing: kiosks take only signed sets (sign the set with "
                        "wijkpeil-qset sign)."},
    [T_P_WHY_BAD_SIG] = {"%s is geen leesbare handtekening.", "%s is not a readable signature."},
    [T_P_WHY_TAMPERED] = {"Verkeerde handtekening: %s is na het ondertekenen gewijzigd (of de "
                          ".sig hoort bij een ander bestand). Onderteken het opnieuw.",
                          "Bad signature: %s was changed after it was signed (or the .sig "
                          "belongs to another file). Sign it again."},
    [T_P_WHY_NOT_SET] = {"%s is geen vragenset (geldige JSON met \"id\" en \"version\").",
                         "%s is not a question set (valid JSON with \"id\" and \"version\")."},
    [T_P_WHY_SETTINGS] = {"%s: kiosken zouden deze instellingen weigeren.",
                          "%s: kiosks would refuse this settings document."},
    [T_P_WHY_MISSING] = {"Ontbrekend bestand: %s staat in de set maar is niet meegestuurd.",
                         "Missing file: the set lists %s but it was not uploaded."},
    [T_P_WHY_NO_SET] = {"Geen vragenset of instellingen meegestuurd.",
                        "No question set or settings document was uploaded."},
    [T_P_WHY_MISMATCH] = {"%s is niet het bestand dat bij het ondertekenen in de set stond (andere "
                          "inhoud).",
                          "%s is not the file the set listed when it was signed (other "
                          "content)."},
    [T_P_WHY_TOO_BIG] = {"%s: te groot.", "%s: too large."},
    [T_P_WHY_WHEN] = {"Het einde moet na het begin liggen.", "Until must be after from."},
    [T_P_WHY_LOCATION] = {"Onbekende locatie: daar is geen kiosk aangemeld.",
                          "Unknown location: no kiosk is registered there."},
    [T_P_WHY_DEVICE] = {"Onbekende kiosk op die locatie: %s.", "No kiosk %s at that location."},
    [T_P_WHY_UNLISTED] = {"%s staat niet in de bestandenlijst van de set (\"files\").",
                          "%s is not in the set's list of files (\"files\")."},
    [T_P_S_WAITING] = {"wacht op de start", "waiting for its start"},
    [T_P_S_ACTIVE] = {"actief", "active"},
    [T_P_S_ENDED] = {"afgelopen", "ended"},
    [T_P_S_WITHDRAWN] = {"ingetrokken", "withdrawn"},
    [T_P_S_DUE] = {"actief", "active"},
    [T_P_S_FAILED] = {"geweigerd", "failed"},
    [T_P_S_UNREPORTED] = {"nog niet gemeld", "not reported yet"},
    [T_P_S_NOT_ASSIGNED] = {"niet (meer) toegewezen", "not assigned (any more)"},
    [T_P_SRC_NETWORK] = {"via het netwerk", "over the network"},
    [T_P_SRC_STICK] = {"van een stick", "from a stick"},
    [T_P_SETTINGS] = {"instellingen", "settings"},
    [T_P_FROM_COL] = {"Vanaf", "From"},
    [T_P_UNTIL_COL] = {"Tot", "Until"},
    [T_P_WITHDRAW_ASK] = {"Publicatie intrekken?", "Withdraw the publication?"},
    [T_P_WITHDRAW_SET] = {"De kiosken in %s gaan bij hun volgende synchronisatie terug naar de set "
                          "die ze daarvoor hadden.",
                          "The kiosks at %s return to the set they had before at their next "
                          "sync."},
    [T_P_WITHDRAW_SETTINGS] = {"De kiosken in %s gaan bij hun volgende synchronisatie terug naar "
                               "de instellingen die ze daarvoor hadden.",
                               "The kiosks at %s return to the settings they had before at their "
                               "next sync."},
    /* a kiosk's reason for refusing a publication (its heartbeat's "why", FLEET_WHY_*) */
    [T_P_K_UNSIGNED] = {"niet ondertekend", "not signed"},
    [T_P_K_UNKNOWN_KEY] =
        {"ondertekend met een sleutel die deze kiosk niet vertrouwt (trusted_key)",
         "signed by a key this kiosk does not trust (trusted_key)"},
    [T_P_K_TAMPERED] = {"gewijzigd na het ondertekenen", "changed after it was signed"},
    [T_P_K_INVALID] = {"geen geldige vragenset", "not a valid question set"},
    [T_P_K_TOO_LARGE] = {"te groot", "too large"},
    [T_P_K_UNSAFE] = {"onveilige bestandsnaam", "unsafe file name"},
    [T_P_K_UNREADABLE] = {"niet te lezen", "not readable"},
    [T_P_K_SETTINGS] = {"de kiosk weigert deze instellingen (een instelling die de centrale niet "
                        "mag wijzigen, of een ongeldige waarde)",
                        "the kiosk refuses these settings (a setting the centre may not change, "
                        "or a bad value)"},
    [T_P_K_NOT_KEPT] = {"kon op de kiosk niet worden bewaard", "could not be kept on the kiosk"},
    [T_P_K_NOT_INSTALLED] = {"kon op de kiosk niet worden geïnstalleerd",
                             "could not be installed on the kiosk"},
    [T_P_K_MISSING] = {"een bestand ontbreekt", "a file is missing"},
    /* a problem of a settings document (config_problem_kind), after "hours.conf, regel 3: " */
    [T_P_CONF_LINE] = {"%s, regel %d: ", "%s, line %d: "},
    [T_P_CONF_NOT_TEXT] = {"%s is geen tekst (bevat een NUL-byte)",
                           "%s is not text (holds a NUL byte)"},
    [T_P_CONF_SYNTAX] = {"verwacht \"instelling = waarde\"", "expected \"setting = value\""},
    [T_P_CONF_UNKNOWN] = {"onbekende instelling '%s'", "unknown setting '%s'"},
    [T_P_CONF_NOT_REMOTE] = {"%s mag niet op afstand worden gewijzigd (alleen: %s)",
                             "%s may not be changed remotely (only: %s)"},
    [T_P_CONF_INT] = {"%s: '%s' is geen geheel getal van %ld tot en met %ld",
                      "%s: '%s' is not a whole number from %ld to %ld"},
    [T_P_CONF_BOOL] = {"%s: '%s' is niet yes of no", "%s: '%s' is not yes or no"},
    [T_P_CONF_HOURS] = {"%s: '%s' is geen tijdvak (zoals 08:30-17:00)",
                        "%s: '%s' is not a time range (such as 08:30-17:00)"},
    [T_P_CONF_STR] = {"%s: de waarde is te lang (ten hoogste %zu bytes)",
                      "%s: the value is too long (at most %zu bytes)"},
    [T_P_CONF_VALUE] = {"%s: '%s' is geen geldige waarde", "%s: '%s' is not a valid value"},
    [T_P_CONF_MORE] = {"en nog %d problemen", "and %d more problems"},
};

static const char *const weekday_names[7][2] = {{"ma", "Mon"}, {"di", "Tue"}, {"wo", "Wed"},
                                                {"do", "Thu"}, {"vr", "Fri"}, {"za", "Sat"},
                                                {"zo", "Sun"}};

typedef struct {
    int li;            /* 0 Dutch, 1 English */
    const char *code;  /* "nl" or "en" */
    bool explicit_arg; /* ?lang= given: links carry it on */
} ui_lang;

static const char *T(const ui_lang *l, text_id id)
{
    return texts[id][l->li];
}

/* ?lang=nl|en, else the first of nl or en in Accept-Language, else Dutch. */
static ui_lang pick_lang(struct MHD_Connection *c, const char *form_lang)
{
    ui_lang l = {0, "nl", false};
    const char *q = form_lang && form_lang[0]
                        ? form_lang
                        : MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
    if (q && (strcmp(q, "en") == 0 || strcmp(q, "nl") == 0)) {
        l.explicit_arg = true;
        if (q[0] == 'e')
            l = (ui_lang){1, "en", true};
        return l;
    }
    const char *al = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
    for (const char *p = al; p && *p;) {
        p += strspn(p, " ,");
        if (strncasecmp(p, "en", 2) == 0 && !((p[2] | 0x20) >= 'a' && (p[2] | 0x20) <= 'z'))
            return (ui_lang){1, "en", false};
        if (strncasecmp(p, "nl", 2) == 0 && !((p[2] | 0x20) >= 'a' && (p[2] | 0x20) <= 'z'))
            return l;
        p += strcspn(p, ",");
    }
    return l;
}

/* ---- answers ------------------------------------------------------------------------------ */

static void security_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; style-src 'self'; img-src 'self'; "
                            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cache-Control", "no-store");
}

/* The Set-Cookie value for name=value (an empty value ends the cookie). */
static void cookie(const coll_dash *d, const char *name, const char *value, char *buf, size_t len)
{
    snprintf(buf, len, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", name, value,
             value[0] ? "" : "; Max-Age=0", d->tls || d->behind_proxy ? "; Secure" : "");
}

static enum MHD_Result send_body(struct MHD_Connection *c, unsigned code, const char *type,
                                 char *body, size_t len, const char *set_cookie,
                                 const char *location)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    security_headers(r);
    if (set_cookie)
        MHD_add_response_header(r, "Set-Cookie", set_cookie);
    if (location)
        MHD_add_response_header(r, "Location", location);
    enum MHD_Result ret = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_html(struct MHD_Connection *c, unsigned code, coll_html *h,
                                 const char *set_cookie)
{
    size_t len;
    char *body = coll_html_take(h, &len);
    if (!body)
        return MHD_NO;
    return send_body(c, code, "text/html; charset=utf-8", body, len, set_cookie, NULL);
}

static enum MHD_Result redirect(struct MHD_Connection *c, const char *to, const char *set_cookie)
{
    char *empty = strdup("");
    if (!empty)
        return MHD_NO;
    return send_body(c, 303, "text/plain; charset=utf-8", empty, 0, set_cookie, to);
}

static const char css[] =
    "body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff;"
    "line-height:1.5}\n"
    ".skip{position:absolute;left:-9999px}.skip:focus{left:1rem;top:1rem;background:#fff;"
    "padding:.5rem}\n"
    "header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding:.5rem 1rem;"
    "background:#0b3d6e;color:#fff}\n"
    "header a,header .brand{color:#fff}header .brand{font-weight:bold;margin:0}\n"
    "nav ul{display:flex;gap:1rem;list-style:none;margin:0;padding:0}\n"
    "nav a[aria-current]{font-weight:bold;text-decoration:underline}\n"
    "main{padding:1rem;max-width:80rem}\n"
    "a{color:#0b4f9c}\n"
    ":focus-visible{outline:3px solid #f2c200;outline-offset:2px}\n"
    "button,input,select{font:inherit;padding:.3rem .5rem;border:1px solid #555;"
    "border-radius:3px}\n"
    "button{background:#0b3d6e;color:#fff;cursor:pointer}\n"
    "header button{background:#fff;color:#0b3d6e}\n"
    "label{display:block;font-weight:bold;margin-top:.5rem}\n"
    "table{border-collapse:collapse;margin:.5rem 0}\n"
    "th,td{border:1px solid #767676;padding:.25rem .5rem;text-align:left;vertical-align:top}\n"
    "thead th{background:#e8eef5}\n"
    "tr.flagged th,tr.flagged td{background:#fdecea}\n"
    ".flag{font-weight:bold;color:#8a1c13}\n"
    ".error{color:#8a1c13;font-weight:bold}\n"
    ".qbody{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}\n"
    ".chart text{font-size:14px;fill:#1b1b1b}.chart .bar{fill:#0b4f9c}"
    ".chart .hidden,td.hidden{font-style:italic}\n"
    ".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 "
    "0);white-space:nowrap}\n"
    "fieldset{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-end;border:1px solid "
    "#767676}\n"
    /* the views of a question set (coll_views) */
    "nav.views ul{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;list-style:none;padding:0}\n"
    "nav.views a[aria-current]{font-weight:bold;text-decoration:none;color:#1b1b1b}\n"
    ".chart .axis{stroke:#595959}.chart .line{stroke-width:2}.chart .title{font-weight:bold}\n"
    /* the publishing page */
    "label.inline{display:inline}\n"
    /* the focus is on a part inside a datetime-local: neither :focus nor :focus-visible matches */
    "input[type=datetime-local]:focus-within{outline:3px solid #f2c200;outline-offset:2px}\n";

static void lang_arg(coll_html *h, const ui_lang *l, char first)
{
    if (l->explicit_arg)
        coll_html_fmt(h, "%clang=%s", first, l->code);
}

/* The page up to <main>; s is NULL on the sign-in page. */
static void page_head(coll_html *h, const ui_lang *l, const char *title, const coll_user_session *s,
                      const char *current, const char *self)
{
    coll_html_fmt(h,
                  "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<title>",
                  l->code);
    coll_html_text(h, title);
    coll_html_fmt(h,
                  " – Wijkpeil</title>\n<link rel=\"stylesheet\" href=\"/dash/style.css\">\n"
                  "</head>\n<body>\n<a class=\"skip\" href=\"#main\">%s</a>\n<header>\n"
                  "<p class=\"brand\">Wijkpeil</p>\n",
                  T(l, T_SKIP));
    if (s) {
        static const struct {
            const char *path;
            text_id t;
        } menu[] = {{"/dash/kiosks", T_KIOSKS},
                    {"/dash/results", T_RESULTS},
                    /* an administrator's too */
                    {"/dash/admin/devices", T_A_DEVICES},
                    {"/dash/admin/users", T_A_USERS},
                    {"/dash/admin/conflicts", T_A_CONFLICTS},
                    {"/dash/admin/settings", T_A_SETTINGS},
                    {"/dash/admin/publish", T_P_TITLE}};
        size_t nmenu = strcmp(s->role, "admin") == 0 ? sizeof menu / sizeof menu[0] : 2;
        coll_html_fmt(h, "<nav aria-label=\"%s\"><ul>", T(l, T_MENU));
        for (size_t i = 0; i < nmenu; i++) {
            coll_html_fmt(h, "<li><a href=\"%s", menu[i].path);
            lang_arg(h, l, '?');
            coll_html_fmt(h, "\"%s>%s</a></li>",
                          strcmp(current, menu[i].path) == 0 ? " aria-current=\"page\"" : "",
                          T(l, menu[i].t));
        }
        coll_html_fmt(h, "</ul></nav>\n<p>%s ", T(l, T_SIGNED_AS));
        coll_html_text(h, s->name);
        coll_html_raw(h, " (");
        coll_html_text(h, s->role);
        coll_html_raw(h, ")</p>\n<form method=\"post\" action=\"/dash/logout\">"
                         "<input type=\"hidden\" name=\"csrf\" value=\"");
        coll_html_text(h, s->csrf);
        coll_html_fmt(h,
                      "\"><input type=\"hidden\" name=\"lang\" value=\"%s\">"
                      "<button type=\"submit\">%s</button></form>\n",
                      l->code, T(l, T_SIGNOUT));
    }
    coll_html_fmt(h, "<a href=\"%s?lang=%s\" lang=\"%s\">%s</a>\n</header>\n<main id=\"main\">\n",
                  self, l->li ? "nl" : "en", l->li ? "nl" : "en", T(l, T_OTHER_LANG));
}

static void page_end(coll_html *h)
{
    coll_html_raw(h, "</main>\n</body>\n</html>\n");
}

static enum MHD_Result message_page(struct MHD_Connection *c, unsigned code, const ui_lang *l,
                                    text_id msg)
{
    coll_html *h = coll_html_new();
    if (!h)
        return MHD_NO;
    page_head(h, l, T(l, msg), NULL, "", "/dash/login");
    coll_html_fmt(h, "<h1>%s</h1>\n<p><a href=\"/dash/login", T(l, msg));
    lang_arg(h, l, '?');
    coll_html_fmt(h, "\">%s</a></p>\n", T(l, T_SIGNIN));
    page_end(h);
    return send_html(c, code, h, NULL);
}

/* ---- sign-in ------------------------------------------------------------------------------ */

static enum MHD_Result login_page(coll_dash *d, struct MHD_Connection *c, const ui_lang *l,
                                  unsigned code, text_id error)
{
    /* The form's CSRF token is also set as a cookie: a sign-in form posted from elsewhere has
     * no matching pair (and SameSite=Strict keeps the cookie from other sites anyway). */
    char pre[COLL_USER_TOKEN_LEN], set[160];
    /* kept while it is there: a second tab's form (or a stray request) does not spoil the
     * first one's */
    const char *had = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "wp_pre");
    if (had && strlen(had) == COLL_USER_TOKEN_LEN - 1 &&
        strspn(had, "0123456789abcdef") == COLL_USER_TOKEN_LEN - 1)
        wp_strlcpy(pre, had, sizeof pre);
    else
        coll_user_random_token(pre);
    cookie(d, "wp_pre", pre, set, sizeof set);
    coll_html *h = coll_html_new();
    if (!h)
        return MHD_NO;
    page_head(h, l, T(l, T_SIGNIN), NULL, "", "/dash/login");
    coll_html_fmt(h, "<h1>%s</h1>\n", T(l, T_SIGNIN));
    if (error != T_COUNT)
        coll_html_fmt(h, "<p class=\"error\" role=\"alert\" id=\"err\">%s</p>\n", T(l, error));
    coll_html_fmt(h,
                  "<form method=\"post\" action=\"/dash/login\">\n"
                  "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
                  "<input type=\"hidden\" name=\"lang\" value=\"%s\">\n"
                  "<label for=\"user\">%s</label>\n"
                  "<input id=\"user\" name=\"user\" autocomplete=\"username\" required%s>\n"
                  "<label for=\"password\">%s</label>\n"
                  "<input id=\"password\" name=\"password\" type=\"password\" "
                  "autocomplete=\"current-password\" required%s>\n"
                  "<p><button type=\"submit\">%s</button></p>\n</form>\n",
                  pre, l->code, T(l, T_NAME), error != T_COUNT ? " aria-describedby=\"err\"" : "",
                  T(l, T_PASSWORD), error != T_COUNT ? " aria-describedby=\"err\"" : "",
                  T(l, T_SIGNIN));
    page_end(h);
    return send_html(c, code, h, set);
}

static void *signin_thread(void *arg)
{
    dash_req *r = arg;
    coll_dash *d = r->d;
    if (d->hold) {
        fprintf(stderr, "wijkpeil-collector: sign-in hashing held (test hook)\n");
        int fd = open(d->hold, O_RDONLY);
        if (fd >= 0)
            close(fd);
    }
    char err[WP_ERR_LEN];
    if (r->job == JOB_USER_ADD)
        r->verify = coll_user_add(d->db, r->user, r->newrole, r->password, r->msg, sizeof r->msg);
    else if (r->job == JOB_USER_PASSWD)
        r->verify = coll_user_passwd(d->db, r->user, r->password, r->msg, sizeof r->msg);
    else
        r->verify = coll_user_verify(d->db, r->user, r->password, r->role, err, sizeof err);
    if (r->job == JOB_SIGNIN && r->verify < 0)
        fprintf(stderr, "wijkpeil-collector: sign-in: %s\n", err);
    sodium_memzero(r->password, sizeof r->password);
    r->st = REQ_HASHED;
    struct MHD_Connection *c = r->c;
    /* From here on r belongs to the connection again (and may be gone): only d is used. */
    pthread_mutex_lock(&d->mu);
    MHD_resume_connection(c);
    d->hashing--;
    pthread_cond_broadcast(&d->idle);
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

static bool csrf_equal(const char *a, const char *b)
{
    size_t n = strlen(a);
    return n == COLL_USER_TOKEN_LEN - 1 && strlen(b) == n && sodium_memcmp(a, b, n) == 0;
}

/* Runs the slow part of a form (argon2id: a sign-in, user add, a new password) on a thread of
 * its own, the connection suspended meanwhile: the event loops go on serving others. At most
 * DASH_MAX_HASHING at once (64 MiB each); 503 when there is no room. */
static enum MHD_Result start_hashing(coll_dash *d, struct MHD_Connection *c, dash_req *r,
                                     const ui_lang *l)
{
    pthread_mutex_lock(&d->mu);
    bool room = d->hashing < DASH_MAX_HASHING && !d->draining;
    pthread_t t;
    if (room) {
        d->hashing++;
        r->st = REQ_HASHING;
        r->job_started = true;
        MHD_suspend_connection(c);
        if (pthread_create(&t, NULL, signin_thread, r) != 0) {
            MHD_resume_connection(c);
            d->hashing--;
            r->st = REQ_NEW;
            r->job_started = false;
            room = false;
        } else {
            pthread_detach(t);
        }
    }
    pthread_mutex_unlock(&d->mu);
    return room ? MHD_YES : message_page(c, 503, l, T_BUSY);
}

static enum MHD_Result signin_post(coll_dash *d, struct MHD_Connection *c, dash_req *r,
                                   const ui_lang *l)
{
    const char *pre = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "wp_pre");
    if (!pre || !csrf_equal(r->csrf, pre))
        return login_page(d, c, l, 403, T_FORGED);
    char err[WP_ERR_LEN];
    int th = coll_user_throttled(d->db, r->user, r->addr, wp_wall_ms(), err, sizeof err);
    if (th < 0) {
        fprintf(stderr, "wijkpeil-collector: sign-in: %s\n", err);
        return message_page(c, 503, l, T_BUSY);
    }
    if (th > 0) {
        fprintf(stderr, "wijkpeil-collector: sign-in of \"%s\" from %s refused: throttled\n",
                r->user, r->addr);
        return login_page(d, c, l, 429, T_THROTTLED);
    }
    r->job = JOB_SIGNIN;
    return start_hashing(d, c, r, l);
}

static enum MHD_Result signin_done(coll_dash *d, struct MHD_Connection *c, dash_req *r,
                                   const ui_lang *l)
{
    char err[WP_ERR_LEN];
    int64_t now = wp_wall_ms();
    if (r->verify < 0)
        return message_page(c, 503, l, T_BUSY);
    if (r->verify > 0) {
        fprintf(stderr, "wijkpeil-collector: sign-in of \"%s\" from %s: wrong name or password\n",
                r->user, r->addr);
        if (coll_user_failed(d->db, r->user, r->addr, now, err, sizeof err) != 0)
            fprintf(stderr, "wijkpeil-collector: sign-in: %s\n", err);
        return login_page(d, c, l, 401, T_WRONG);
    }
    char token[COLL_USER_TOKEN_LEN], set[200];
    if (coll_user_session_new(d->db, r->user, now, d->idle_ms, token, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-collector: sign-in: %s\n", err);
        return message_page(c, 503, l, T_BUSY);
    }
    fprintf(stderr, "wijkpeil-collector: %s signed in from %s\n", r->user, r->addr);
    cookie(d, "wp_session", token, set, sizeof set);
    sodium_memzero(token, sizeof token);
    return redirect(c, l->li ? "/dash/kiosks?lang=en" : "/dash/kiosks", set);
}

/* 0 and *s for a valid session, else 1 (none or expired) or -1. */
static int session_of(coll_dash *d, struct MHD_Connection *c, coll_user_session *s)
{
    const char *tok = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "wp_session");
    if (!tok)
        return 1;
    char err[WP_ERR_LEN];
    int rc = coll_user_session_get(d->db, tok, wp_wall_ms(), d->idle_ms, s, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "wijkpeil-collector: session: %s\n", err);
    return rc;
}

static enum MHD_Result signout_post(coll_dash *d, struct MHD_Connection *c, dash_req *r,
                                    const ui_lang *l, const coll_user_session *s)
{
    if (!csrf_equal(r->csrf, s->csrf))
        return message_page(c, 403, l, T_FORGED);
    char err[WP_ERR_LEN], set[160];
    const char *tok = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "wp_session");
    if (tok && coll_user_session_end(d->db, tok, err, sizeof err) != 0)
        return message_page(c, 503, l, T_BUSY);
    cookie(d, "wp_session", "", set, sizeof set);
    return redirect(c, l->li ? "/dash/login?lang=en" : "/dash/login", set);
}

/* The settings the settings page keeps (dash_settings table); serve's flags are the defaults. A
 * saved k never goes below serve --suppress-below: the page can only hide more. */
static int64_t dash_setting(coll_dash *d, const char *key, int64_t dflt)
{
    int64_t v = -1;
    coll_param p = COLL_TEXT(key);
    char err[WP_ERR_LEN];
    if (coll_db_query(d->db, "SELECT value FROM dash_settings WHERE key=?", &p, 1,
                      coll_store_int_row, &v, NULL, err, sizeof err) != COLL_SQL_OK) {
        fprintf(stderr, "wijkpeil-collector: settings: %s\n", err);
        return dflt;
    }
    return v < 0 ? dflt : v;
}

static int64_t dash_k(coll_dash *d)
{
    int64_t k = dash_setting(d, "k", d->k);
    return k > d->k ? k : d->k;
}

static int64_t dash_silent_ms(coll_dash *d)
{
    return dash_setting(d, "silent_ms", d->silent_ms);
}

/* ---- the kiosks page ---------------------------------------------------------------------- */

typedef struct {
    coll_html *h;
    const ui_lang *l;
    int64_t now, silent_ms;
    int n, flagged;
} kiosk_ctx;

static void fmt_time(int64_t ms, char *buf, size_t len)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (localtime_r(&t, &tm))
        strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
    else
        wp_strlcpy(buf, "?", len);
}

static void cell_text(coll_html *h, const char *s)
{
    coll_html_raw(h, "<td>");
    coll_html_text(h, s);
    coll_html_raw(h, "</td>");
}

static int kiosk_row(void *ctx, const coll_kiosk *k)
{
    kiosk_ctx *x = ctx;
    const ui_lang *l = x->l;
    coll_html *h = x->h;
    int64_t revoked = k->revoked_ms, seen = k->last_seen_ms;
    int64_t pending = k->pending, clock = k->clock_synced;
    int64_t gaps = k->gaps, conflicts = k->conflicts;
    const json_t *st = k->status;
    json_t *disk = json_object_get(st, "free_disk_bytes");
    json_t *oldest = json_object_get(st, "oldest_pending_age_s");
    const char *version = json_string_value(json_object_get(st, "app_version"));
    json_t *qs = json_object_get(st, "questionset");
    static const text_id cond_text[COLL_COND_COUNT] = {[COLL_COND_SILENT] = T_F_SILENT,
                                                       [COLL_COND_GAPS] = T_F_GAPS,
                                                       [COLL_COND_CONFLICTS] = T_F_CONFLICTS,
                                                       [COLL_COND_CLOCK] = T_F_CLOCK,
                                                       [COLL_COND_DISK] = T_F_DISK};
    text_id flags[COLL_COND_COUNT + 1];
    int nf = 0;
    unsigned f = coll_health_flags(k, x->now, x->silent_ms);
    if (revoked)
        flags[nf++] = T_F_REVOKED;
    for (int i = 0; i < COLL_COND_COUNT; i++)
        if (f & (1u << i))
            flags[nf++] = cond_text[i];
    bool alert = nf > 0 && !revoked;
    x->n++;
    x->flagged += alert;
    coll_html_fmt(h, "<tr%s><th scope=\"row\">", alert ? " class=\"flagged\"" : "");
    coll_html_text(h, k->device);
    coll_html_raw(h, "</th>");
    cell_text(h, k->location);
    char buf[64];
    if (seen > 0)
        fmt_time(seen, buf, sizeof buf);
    else
        wp_strlcpy(buf, T(l, T_NEVER), sizeof buf);
    cell_text(h, buf);
    if (pending >= 0)
        snprintf(buf, sizeof buf, "%lld", (long long)pending);
    else
        wp_strlcpy(buf, T(l, T_UNKNOWN), sizeof buf);
    cell_text(h, buf);
    if (json_is_integer(oldest) && json_integer_value(oldest) > 0)
        snprintf(buf, sizeof buf, "%lld min", (long long)(json_integer_value(oldest) / 60));
    else
        wp_strlcpy(buf, "–", sizeof buf);
    cell_text(h, buf);
    coll_html_fmt(h, "<td>%lld</td><td>%lld</td>", (long long)gaps, (long long)conflicts);
    cell_text(h, clock < 0 ? T(l, T_UNKNOWN) : clock ? T(l, T_YES) : T(l, T_NO));
    if (json_is_integer(disk))
        snprintf(buf, sizeof buf, "%.1f GB", (double)json_integer_value(disk) / 1e9);
    else
        wp_strlcpy(buf, T(l, T_UNKNOWN), sizeof buf);
    cell_text(h, buf);
    cell_text(h, version ? version : T(l, T_UNKNOWN));
    if (json_is_string(json_object_get(qs, "id"))) {
        snprintf(buf, sizeof buf, "%s v%lld", json_string_value(json_object_get(qs, "id")),
                 (long long)json_integer_value(json_object_get(qs, "version")));
        cell_text(h, buf);
    } else {
        cell_text(h, T(l, T_UNKNOWN));
    }
    coll_html_raw(h, alert ? "<td class=\"flag\">" : "<td>");
    for (int i = 0; i < nf; i++)
        coll_html_fmt(h, "%s%s", i ? ", " : "", T(l, flags[i]));
    if (nf == 0)
        coll_html_raw(h, T(l, T_K_OK));
    coll_html_raw(h, "</td></tr>\n");
    return 0;
}

static enum MHD_Result kiosks_page(coll_dash *d, struct MHD_Connection *c, const ui_lang *l,
                                   const coll_user_session *s)
{
    coll_html *h = coll_html_new();
    if (!h)
        return MHD_NO;
    page_head(h, l, T(l, T_KIOSKS), s, "/dash/kiosks", "/dash/kiosks");
    coll_html_fmt(h, "<h1>%s</h1>\n", T(l, T_KIOSKS));
    coll_html *rows = coll_html_new();
    kiosk_ctx x = {.h = rows, .l = l, .now = wp_wall_ms(), .silent_ms = dash_silent_ms(d)};
    char err[WP_ERR_LEN];
    if (!rows || coll_health_foreach(d->db, kiosk_row, &x, err, sizeof err) != COLL_SQL_OK) {
        if (rows)
            fprintf(stderr, "wijkpeil-collector: kiosks page: %s\n", err);
        coll_html_free(rows);
        coll_html_free(h);
        return message_page(c, 503, l, T_BUSY);
    }
    char *body = coll_html_take(rows, NULL);
    if (x.n == 0) {
        coll_html_fmt(h, "<p>%s</p>\n", T(l, T_K_NONE));
    } else {
        coll_html_raw(h, "<p>");
        coll_html_fmt(h, T(l, T_K_SUMMARY), x.n, x.flagged);
        coll_html_fmt(h,
                      "</p>\n<table>\n<caption class=\"visually-hidden\">%s</caption>\n"
                      "<thead><tr>",
                      T(l, T_KIOSKS));
        static const text_id cols[] = {T_K_COL,    T_K_LOC,     T_K_LAST,      T_K_PENDING,
                                       T_K_OLDEST, T_K_GAPS,    T_K_CONFLICTS, T_K_CLOCK,
                                       T_K_DISK,   T_K_VERSION, T_K_SET,       T_K_FLAGS};
        for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
            coll_html_fmt(h, "<th scope=\"col\">%s</th>", T(l, cols[i]));
        coll_html_raw(h, "</tr></thead>\n<tbody>\n");
        coll_html_raw(h, body ? body : "");
        coll_html_raw(h, "</tbody>\n</table>\n");
    }
    free(body);
    page_end(h);
    return send_html(c, 200, h, NULL);
}

/* ---- the results page --------------------------------------------------------------------- */

/* "YYYY-MM-DD" as local midnight in ms (plus days); 0 for "", -1 when malformed. */
static int64_t parse_date(const char *s, int plus_days)
{
    if (!s || !s[0])
        return 0;
    struct tm tm = {0};
    const char *end = strptime(s, "%Y-%m-%d", &tm);
    if (!end || *end)
        return -1;
    tm.tm_mday += plus_days;
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    return t == (time_t)-1 ? -1 : (int64_t)t * 1000;
}

typedef struct {
    coll_html *h;
    const char *selected;
} option_ctx;

static void option(coll_html *h, const char *value, const char *label, const char *selected)
{
    coll_html_raw(h, "<option value=\"");
    coll_html_text(h, value);
    coll_html_fmt(h, "\"%s>", selected && strcmp(selected, value) == 0 ? " selected" : "");
    coll_html_text(h, label);
    coll_html_raw(h, "</option>");
}

static int location_option(void *ctx, int ncol, const char *const *v)
{
    (void)ncol;
    option_ctx *o = ctx;
    if (v[0])
        option(o->h, v[0], v[0], o->selected);
    return 0;
}

static void input_date(coll_html *h, const char *id, const char *label, const char *value)
{
    coll_html_fmt(h,
                  "<div><label for=\"%s\">%s</label><input id=\"%s\" name=\"%s\" "
                  "type=\"date\" value=\"",
                  id, label, id, id);
    coll_html_text(h, value ? value : "");
    coll_html_raw(h, "\"></div>\n");
}

/* "HH:MM" as minutes of the day, or -1 (also for NULL and ""). */
static long parse_hm(const char *s)
{
    long hh, mm;
    char a[3], b[3];
    if (!s || strlen(s) != 5 || s[2] != ':')
        return -1;
    memcpy(a, s, 2);
    memcpy(b, s + 3, 2);
    a[2] = b[2] = '\0';
    if (!wp_parse_int(a, 0, 23, &hh) || !wp_parse_int(b, 0, 59, &mm))
        return -1;
    return hh * 60 + mm;
}

/* A time input (a time, not a number in the page's text: the suppression tests look for
 * numbers). */
static void input_time(coll_html *h, const char *id, const char *label, const char *value)
{
    coll_html_fmt(h,
                  "<div><label for=\"%s\">%s</label><input id=\"%s\" name=\"%s\" "
                  "type=\"time\" step=\"3600\" value=\"",
                  id, label, id, id);
    coll_html_text(h, parse_hm(value) >= 0 ? value : "");
    coll_html_raw(h, "\"></div>\n");
}

/* The results pages' filter from the request, and the GET form that sets it (to action) into h
 * (NULL: no form). *bad_date when a date is malformed. */
static void filter_form(coll_dash *d, struct MHD_Connection *c, const ui_lang *l, size_t si,
                        const char *action, coll_html *h, coll_results_filter *out, bool *bad_date)
{
    coll_html *scratch = h ? NULL : coll_html_new();
    if (!h && !(h = scratch)) {
        *out = (coll_results_filter){0};
        *bad_date = false;
        return;
    }
    const char *set = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "set");
    const char *loc = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "location");
    const char *lang = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "language");
    const char *from = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "from");
    const char *to = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "to");
    const char *flagged = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "flagged");
    /* the filter: a GET form that changes nothing (so it needs no CSRF token) */
    coll_html_fmt(h,
                  "<form method=\"get\" action=\"%s\">\n<fieldset><legend>%s"
                  "</legend>\n<input type=\"hidden\" name=\"set\" value=\"",
                  action, T(l, T_R_FILTER));
    coll_html_text(h, set);
    coll_html_fmt(h, "\"><input type=\"hidden\" name=\"lang\" value=\"%s\">\n", l->code);
    coll_html_fmt(h,
                  "<div><label for=\"location\">%s</label><select id=\"location\" "
                  "name=\"location\">",
                  T(l, T_R_LOCATION));
    option(h, "", T(l, T_R_ALL), loc);
    option_ctx oc = {h, loc};
    char err[WP_ERR_LEN];
    if (coll_db_query(d->db, "SELECT DISTINCT location FROM devices ORDER BY location", NULL, 0,
                      location_option, &oc, NULL, err, sizeof err) != COLL_SQL_OK)
        fprintf(stderr, "wijkpeil-collector: results page: %s\n", err);
    coll_html_fmt(h,
                  "</select></div>\n<div><label for=\"language\">%s</label><select "
                  "id=\"language\" name=\"language\">",
                  T(l, T_R_LANGUAGE));
    option(h, "", T(l, T_R_ALL), lang);
    for (size_t j = 0; j < coll_results_sets_nlang(d->sets, si); j++) {
        const char *code = coll_results_sets_lang(d->sets, si, j);
        if (code)
            option(h, code, code, lang);
    }
    coll_html_raw(h, "</select></div>\n");
    input_date(h, "from", T(l, T_R_FROM), from);
    input_date(h, "to", T(l, T_R_TO), to);
    /* quality flags (issue 14): counted unless asked otherwise */
    coll_html_fmt(h,
                  "<div><label for=\"flagged\">%s</label><select id=\"flagged\" "
                  "name=\"flagged\">",
                  T(l, T_R_FLAGGED));
    option(h, "include", T(l, T_R_FLAG_IN), flagged ? flagged : "include");
    option(h, "exclude", T(l, T_R_FLAG_OUT), flagged);
    coll_html_raw(h, "</select></div>\n");
    const char *status = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "status");
    if (status && strcmp(status, "complete") != 0 && strcmp(status, "abandoned") != 0)
        status = NULL;
    coll_html_fmt(h,
                  "<div><label for=\"status\">%s</label><select id=\"status\" "
                  "name=\"status\">",
                  T(l, T_R_STATUS));
    option(h, "", T(l, T_R_ALL), status);
    option(h, "complete", T(l, T_R_COMPLETE), status);
    option(h, "abandoned", T(l, T_R_ABANDONED), status);
    coll_html_raw(h, "</select></div>\n");
    unsigned weekdays = 0;
    coll_html_fmt(h, "<fieldset class=\"days\"><legend>%s</legend>", T(l, T_R_WEEKDAYS));
    for (int wd = 1; wd <= 7; wd++) {
        char name[8];
        snprintf(name, sizeof name, "wd%d", wd);
        const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
        bool on = v && strcmp(v, "1") == 0;
        weekdays |= on ? 1u << wd : 0;
        coll_html_fmt(h,
                      "<div><input type=\"checkbox\" id=\"%s\" name=\"%s\" value=\"1\"%s>"
                      "<label for=\"%s\">%s</label></div>",
                      name, name, on ? " checked" : "", name, weekday_names[wd - 1][l->li]);
    }
    coll_html_raw(h, "</fieldset>\n");
    /* hours: from the hour of "from" up to (not including) the hour "to" reaches into */
    const char *hf = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "hour_from");
    const char *ht = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "hour_to");
    long mf = parse_hm(hf), mt = parse_hm(ht);
    long hour_from = mf >= 0 ? mf / 60 : 0, hour_to = mt >= 0 ? (mt + 59) / 60 : 24;
    if ((mf < 0 && mt < 0) || hour_to <= hour_from)
        hour_from = hour_to = 0;
    input_time(h, "hour_from", T(l, T_R_HOUR_FROM), hf);
    input_time(h, "hour_to", T(l, T_R_HOUR_TO), ht);
    coll_html_fmt(h, "<div><button type=\"submit\">%s</button></div>\n</fieldset>\n</form>\n",
                  T(l, T_R_APPLY));
    *out = (coll_results_filter){.location = loc,
                                 .status = status,
                                 .weekdays = weekdays,
                                 .hour_from = hour_to ? (int)hour_from : 0,
                                 .hour_to = (int)hour_to,
                                 .language = lang,
                                 .from_ms = parse_date(from, 0),
                                 .to_ms = parse_date(to, 1),
                                 .exclude_flagged = flagged && strcmp(flagged, "exclude") == 0,
                                 .from_responses = d->results_from_responses};
    *bad_date = out->from_ms < 0 || out->to_ms < 0;
    coll_html_free(scratch);
}

/* The results page's filter arguments (filter_form). */
static const char *const filter_args[] = {"location", "language", "from", "to",        "flagged",
                                          "status",   "wd1",      "wd2",  "wd3",       "wd4",
                                          "wd5",      "wd6",      "wd7",  "hour_from", "hour_to"};

/* The filter's arguments of the request again as hidden inputs of a view's own form (its
 * location aside: the views that take one have their own selector). */
static void filter_hidden(coll_html *h, struct MHD_Connection *c)
{
    for (size_t i = 1; i < sizeof filter_args / sizeof filter_args[0]; i++) {
        const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, filter_args[i]);
        if (v && v[0]) {
            coll_html_fmt(h, "<input type=\"hidden\" name=\"%s\" value=\"", filter_args[i]);
            coll_html_text(h, v);
            coll_html_raw(h, "\">");
        }
    }
}

/* The filter's arguments of the request again, for a link to another page of the set: "?set=..."
 * and each filter argument given. */
static void filter_query(coll_html *h, struct MHD_Connection *c, const ui_lang *l)
{
    const char *const *args = filter_args;
    size_t nargs = sizeof filter_args / sizeof filter_args[0];
    coll_html_raw(h, "?set=");
    coll_html_urlarg(h, MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "set"));
    for (size_t i = 0; i < nargs; i++) {
        const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, args[i]);
        if (v && v[0]) {
            coll_html_fmt(h, "&amp;%s=", args[i]);
            coll_html_urlarg(h, v);
        }
    }
    if (l->explicit_arg)
        coll_html_fmt(h, "&amp;lang=%s", l->code);
}

/* The views of question set `set` (the results per question and coll_views'), current marked;
 * each link carries the filter of the request. */
static void view_tabs(coll_html *h, struct MHD_Connection *c, const ui_lang *l, const char *current)
{
    static const struct {
        const char *path;
        text_id t;
    } views[] = {{"/dash/results", T_V_RESULTS},
                 {"/dash/compare", T_V_COMPARE},
                 {"/dash/trend", T_V_TREND},
                 {"/dash/crosstab", T_V_CROSSTAB}};
    coll_html_fmt(h, "<nav class=\"views\" aria-label=\"%s\"><ul>", T(l, T_V_TABS));
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
        coll_html_fmt(h, "<li><a href=\"%s", views[i].path);
        filter_query(h, c, l);
        coll_html_fmt(h, "\"%s>%s</a></li>",
                      strcmp(current, views[i].path) == 0 ? " aria-current=\"page\"" : "",
                      T(l, views[i].t));
    }
    coll_html_raw(h, "</ul></nav>\n");
}

static enum MHD_Result results_page(coll_dash *d, struct MHD_Connection *c, const ui_lang *l,
                                    const coll_user_session *s)
{
    const char *set = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "set");
    long si = set ? coll_results_sets_find(d->sets, set) : -1;
    coll_html *h = coll_html_new();
    if (!h)
        return MHD_NO;
    const char *title =
        si >= 0 ? coll_results_sets_title(d->sets, (size_t)si, l->code) : T(l, T_RESULTS);
    page_head(h, l, title, s, "/dash/results", "/dash/results");
    coll_html_raw(h, "<h1>");
    coll_html_text(h, title);
    coll_html_raw(h, "</h1>\n<p>");
    int64_t k = dash_k(d);
    coll_html_fmt(h, T(l, T_R_K), (long long)k);
    coll_html_raw(h, "</p>\n");
    if (si < 0) {
        size_t n = coll_results_sets_count(d->sets);
        coll_html_fmt(h, "<h2>%s</h2>\n", T(l, n ? T_R_CHOOSE : T_R_NOSETS));
        coll_html_raw(h, "<ul>\n");
        for (size_t i = 0; i < n; i++) {
            coll_html_raw(h, "<li><a href=\"/dash/results?set=");
            coll_html_urlarg(h, coll_results_sets_id(d->sets, i));
            lang_arg(h, l, '&');
            coll_html_raw(h, "\">");
            coll_html_text(h, coll_results_sets_title(d->sets, i, l->code));
            coll_html_raw(h, " (");
            coll_html_text(h, coll_results_sets_id(d->sets, i));
            coll_html_raw(h, ")</a></li>\n");
        }
        coll_html_raw(h, "</ul>\n");
        page_end(h);
        return send_html(c, 200, h, NULL);
    }
    view_tabs(h, c, l, "/dash/results");
    coll_results_filter f;
    bool bad_date;
    filter_form(d, c, l, (size_t)si, "/dash/results", h, &f, &bad_date);
    /* the set's other pages, with the same filter (coll_report) */
    coll_html_raw(h, "<p class=\"more\"><a href=\"/dash/when");
    filter_query(h, c, l);
    coll_html_fmt(h, "\">%s</a> · <a href=\"/dash/report", coll_report_when_title(l->code));
    filter_query(h, c, l);
    coll_html_fmt(h, "\">%s</a></p>\n", coll_report_print_title(l->code));
    if (strcmp(s->role, "admin") == 0) {
        static const char *const fmts[][2] = {{"xlsx", "Excel (.xlsx)"},
                                              {"csv-excel", "CSV (Excel, ;)"},
                                              {"csv", "CSV"},
                                              {"jsonl", "JSON lines"}};
        coll_html_fmt(h, "<p class=\"downloads\">%s:", T(l, T_DOWNLOADS));
        for (size_t i = coll_export_has_xlsx() ? 0 : 1; i < 4; i++) {
            coll_html_raw(h, " <a href=\"/dash/export?set=");
            coll_html_urlarg(h, set);
            coll_html_fmt(h, "&amp;format=%s&amp;labels=%s\" download>%s</a>", fmts[i][0],
                          coll_results_sets_lang(d->sets, (size_t)si, 0)
                              ? coll_results_sets_lang(d->sets, (size_t)si, 0)
                              : "",
                          fmts[i][1]);
        }
        coll_html_raw(h, "</p>\n");
    }
    char err[WP_ERR_LEN];
    if (bad_date) {
        coll_html_fmt(h, "<p class=\"error\" role=\"alert\">%s</p>\n", T(l, T_R_BADDATE));
    } else if (f.from_ms > 0 && f.to_ms > 0 && f.from_ms >= f.to_ms) {
        coll_html_fmt(h, "<p class=\"error\" role=\"alert\" id=\"date-order\">%s</p>\n",
                      T(l, T_R_DATE_ORDER));
    } else if (coll_results_render(d->db, d->sets, (size_t)si, &f, k, l->code, h, err,
                                   sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-collector: results page: %s\n", err);
        coll_html_free(h);
        return message_page(c, 503, l, T_BUSY);
    }
    page_end(h);
    return send_html(c, 200, h, NULL);
}

/* The hour x weekday view (/dash/when, with the results page's filter) and the report to print
 * (/dash/report: the filter's location and period) of the set ?set= (coll_report). */
static enum MHD_Result report_page(coll_dash *d, struct MHD_Connection *c, const ui_lang *l,
                                   const coll_user_session *s, const char *url)
{
    bool when = strcmp(url, "/dash/when") == 0;
    const char *set = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "set");
    long si = set ? coll_results_sets_find(d->sets, set) : -1;
    if (si < 0)
        return redirect(c, l->li ? "/dash/results?lang=en" : "/dash/results", NULL);
    coll_html *h = coll_html_new();
    if (!h)
        return MHD_NO;
    char title[512];
    snprintf(title, sizeof title, "%s – %s",
             when ? coll_report_when_title(l->code) : coll_report_print_title(l->code),
             coll_results_sets_title(d->sets, (size_t)si, l->code));
    page_head(h, l, title, s, "/dash/results", url);
    coll_html_raw(h, "<p class=\"more\"><a href=\"/dash/results");
    filter_query(h, c, l);
    coll_html_fmt(h, "\">%s</a></p>\n", T(l, T_RESULTS));
    coll_results_filter f;
    bool bad_date;
    if (when) {
        coll_html_raw(h, "<h1>");
        coll_html_text(h, title);
        coll_html_raw(h, "</h1>\n<p>");
        coll_html_fmt(h, T(l, T_R_K), (long long)dash_k(d));
        coll_html_raw(h, "</p>\n");
    }
    filter_form(d, c, l, (size_t)si, url, when ? h : NULL, &f, &bad_date);
    char err[WP_ERR_LEN];
    coll_report_args a = {
        .from = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "from"),
        .to = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "to"),
        .path = url,
    };
    int rc = 0;
    if (bad_date)
        coll_html_fmt(h, "<p class=\"error\" role=\"alert\">%s</p>\n", T(l, T_R_BADDATE));
    else if (when)
        rc = coll_report_when(d->db, d->sets, (size_t)si, &f, dash_k(d), l->code, h, err,
                              sizeof err);
    else
        rc = coll_report_print(d->db, d->sets, (size_t)si, &f, &a, dash_k(d), l->code, h, err,
                               sizeof err);
    if (rc != 0) {
        fprintf(stderr, "wijkpeil-collector: %s: %s\n", url, err);
        coll_html_free(h);
        return message_page(c, 503, l, T_BUSY);
    }
    page_end(h);
    return send_html(c, 200, h, NULL);
}

/* A view of coll_views (side by side, trend, cross-tab) of the set ?set=, or the list of sets. */
static enum MHD_Result views_page(coll_dash *d, struct MHD_Connection *c, const ui_lang *l,
                                  const coll_user_session *s, const char *url)
{
    const char *set = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "set");
    long si = set ? coll_results_sets_find(d->sets, set) : -1;
    if (si < 0)
        return redirect(c, l->li ? "/dash/results?lang=en" : "/dash/results", NULL);
    const char *period = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "period");
    coll_views_req r = {.kind = strcmp(url, "/dash/compare") == 0 ? COLL_VIEWS_COMPARE
                                : strcmp(url, "/dash/trend") == 0 ? COLL_VIEWS_TREND
                                                                  : COLL_VIEWS_CROSSTAB,
                        .path = url,
                        .question = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q"),
                        .question2 = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q2"),
                        .by_week = period && strcmp(period, "week") == 0,
                        .location =
                            MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "location")};
    coll_html *h = coll_html_new();
    if (!h)
        return MHD_NO;
    text_id view = r.kind == COLL_VIEWS_COMPARE ? T_V_COMPARE
                   : r.kind == COLL_VIEWS_TREND ? T_V_TREND
                                                : T_V_CROSSTAB;
    char title[512];
    snprintf(title, sizeof title, "%s – %s", T(l, view),
             coll_results_sets_title(d->sets, (size_t)si, l->code));
    page_head(h, l, title, s, "/dash/results", url);
    coll_html_raw(h, "<h1>");
    coll_html_text(h, title);
    coll_html_raw(h, "</h1>\n<p>");
    int64_t k = dash_k(d);
    coll_html_fmt(h, T(l, T_R_K), (long long)k);
    coll_html_raw(h, "</p>\n");
    view_tabs(h, c, l, url);
    /* the results page's filter (the parts each view takes it says itself), carried in its form */
    coll_results_filter f;
    bool bad_date;
    filter_form(d, c, l, (size_t)si, url, NULL, &f, &bad_date);
    coll_html *hidden = coll_html_new();
    if (hidden)
        filter_hidden(hidden, c);
    char *carry = hidden ? coll_html_take(hidden, NULL) : NULL;
    r.filter = bad_date ? NULL : &f;
    r.carry = carry;
    char err[WP_ERR_LEN];
    if (bad_date)
        coll_html_fmt(h, "<p class=\"error\" role=\"alert\">%s</p>\n", T(l, T_R_BADDATE));
    if (coll_views_render(d->db, d->sets, (size_t)si, &r, k, l->code, h, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-collector: %s: %s\n", url, err);
        free(carry);
        coll_html_free(h);
        return message_page(c, 503, l, T_BUSY);
    }
    free(carry);
    page_end(h);
    return send_html(c, 200, h, NULL);
}

/* ---- administration: devices, users, conflicts, settings (role admin only) ---------------- */

static bool is_admin(const coll_user_session *s)
{
    return strcmp(s->role, "admin") == 0;
}

/* <form method="post"> with the session's CSRF token and the interface language. */
static void form_open(coll_html *h, const ui_lang *l, const coll_user_session *s,
                      const char *action, const char *verb)
{
    coll_html_fmt(h,
                  "<form method=\"post\" action=\"%s\">\n<input type=\"hidden\" name=\"csrf\" "
                  "value=\"",
                  action);
    coll_html_text(h, s->csrf);
    coll_html_fmt(h,
                  "\"><input type=\"hidden\" name=\"lang\" value=\"%s\">"
                  "<input type=\"hidden\" name=\"action\" value=\"%s\">\n",
                  l->code, verb);
}

/* A button in a table row: its text, and for a screen reader the row's name too. */
static void row_button(coll_html *h, const char *text, const char *name)
{
    coll_html_fmt(h, "<button type=\"submit\">%s<span class=\"visually-hidden\"> ", text);
    coll_html_text(h, name);
    coll_html_raw(h, "</span></button></form>\n");
}

/* The outcome of a form: done, or failed with a message. */
static void outcome(coll_html *h, const ui_lang *l, int rc, const char *msg)
{
    if (rc == 0) {
        coll_html_fmt(h, "<p role=\"status\" id=\"outcome\">%s</p>\n", T(l, T_A_DONE));
        return;
    }
    coll_html_fmt(h, "<p class=\"error\" role=\"alert\" id=\"outcome\">%s", T(l, T_A_FAILED));
    coll_html_text(h, msg);
    coll_html_raw(h, "</p>\n");
}

typedef struct {
    coll_html *h;
    const ui_lang *l;
    const coll_user_session *s;
    int n;
} admin_ctx;

static int device_row(void *ctx, int ncol, const char *const *v)
{
    (void)ncol;
    admin_ctx *x = ctx;
    coll_html *h = x->h;
    const char *name = v[0] ? v[0] : "";
    char created[32];
    fmt_time(coll_store_num(v[2]), created, sizeof created);
    bool revoked = coll_store_num(v[3]) != 0;
    coll_html_raw(h, "<tr><th scope=\"row\">");
    coll_html_text(h, name);
    coll_html_raw(h, "</th>");
    cell_text(h, v[1] ? v[1] : "");
    cell_text(h, created);
    cell_text(h, T(x->l, revoked ? T_A_REVOKED : T_A_ACTIVE));
    coll_html_raw(h, "<td>");
    if (!revoked) {
        static const struct {
            const char *verb;
            text_id t;
        } acts[] = {{"rotate", T_A_ROTATE}, {"revoke", T_A_REVOKE}};
        for (size_t i = 0; i < 2; i++) {
            form_open(h, x->l, x->s, "/dash/admin/devices", acts[i].verb);
            coll_html_raw(h, "<input type=\"hidden\" name=\"name\" value=\"");
            coll_html_text(h, name);
            coll_html_raw(h, "\">");
            row_button(h, T(x->l, acts[i].t), name);
        }
    }
    coll_html_raw(h, "</td></tr>\n");
    x->n++;
    return 0;
}

/* The page's heading and a table of rows from sql, or false (and h freed) on an error. */
static bool admin_table(coll_dash *d, coll_html *h, admin_ctx *x, const char *sql, coll_row_fn row,
                        const text_id *cols, size_t ncols, text_id caption)
{
    coll_html *rows = coll_html_new();
    char err[WP_ERR_LEN];
    x->h = rows;
    if (!rows || coll_db_query(d->db, sql, NULL, 0, row, x, NULL, err, sizeof err) != COLL_SQL_OK) {
        if (rows)
            fprintf(stderr, "wijkpeil-collector: admin page: %s\n", err);
        coll_html_free(rows);
        return false;
    }
    char *body = coll_html_take(rows, NULL);
    coll_html_fmt(h, "<table>\n<caption class=\"visually-hidden\">%s</caption>\n<thead><tr>",
                  T(x->l, caption));
    for (size_t i = 0; i < ncols; i++)
        coll_html_fmt(h, "<th scope=\"col\">%s</th>", T(x->l, cols[i]));
    coll_html_raw(h, "</tr></thead>\n<tbody>\n");
    coll_html_raw(h, body ? body : "");
    coll_html_raw(h, "</tbody>\n</table>\n");
    free(body);
    return true;
}

static enum MHD_Result admin_send(struct MHD_Connection *c, const ui_lang *l, coll_html *h, bool ok)
{
    if (!ok) {
        coll_html_free(h);
        return message_page(c, 503, l, T_BUSY);
    }
    page_end(h);
    return send_html(c, 200, h, NULL);
}

/* GET, or POST action=add|revoke|rotate: a new token is shown once, here. */
static enum MHD_Result devices_page(coll_dash *d, struct MHD_Connection *c, const ui_lang *l,
                                    const coll_user_session *s, const dash_req *r)
{
    coll_html *h = coll_html_new();
    if (!h)
        return MHD_NO;
    page_head(h, l, T(l, T_A_DEVICES), s, "/dash/admin/devices", "/dash/admin/devices");
    coll_html_fmt(h, "<h1>%s</h1>\n", T(l, T_A_DEVICES));
    if (r && strcmp(r->action, "revoke") == 0 && strcmp(r->confirm, "yes") != 0) {
        /* the first step: what revoking does, and a second form (with the CSRF token) */
        coll_html_fmt(h, "<h2 id=\"confirm\">%s</h2>\n<p><strong>", T(l, T_A_REVOKE_ASK));
        coll_html_text(h, r->name);
        coll_html_fmt(h, "</strong>: %s</p>\n", T(l, T_A_REVOKE_WHAT));
        form_open(h, l, s, "/dash/admin/devices", "revoke");
        coll_html_raw(h, "<input type=\"hidden\" name=\"name\" value=\"");
        coll_html_text(h, r->name);
        coll_html_fmt(h,
                      "\"><input type=\"hidden\" name=\"confirm\" value=\"yes\">\n"
                      "<p><button type=\"submit\" id=\"revoke-yes\">%s</button> "
                      "<a href=\"/dash/admin/devices%s\">%s</a></p>\n</form>\n",
                      T(l, T_A_REVOKE_YES), l->li ? "?lang=en" : "", T(l, T_A_CANCEL));
        return admin_send(c, l, h, true);
    }
    if (r) {
        char err[WP_ERR_LEN] = "", token[COLL_TOKEN_LEN] = "";
        int rc = -1;
        if (strcmp(r->action, "add") == 0)
            rc = coll_db_device_add(d->db, r->name, r->location, token, err, sizeof err);
        else if (strcmp(r->action, "rotate") == 0)
            rc = coll_db_device_rotate(d->db, r->name, token, err, sizeof err);
        else if (strcmp(r->action, "revoke") == 0)
            rc = coll_db_device_revoke(d->db, r->name, err, sizeof err);
        else
            wp_strlcpy(err, "?", sizeof err);
        fprintf(stderr, "wijkpeil-collector: %s: device %s \"%s\": %s\n", s->name, r->action,
                r->name, rc == 0 ? "done" : err);
        outcome(h, l, rc, err);
        if (rc == 0 && token[0]) {
            coll_html_fmt(h, "<p role=\"status\">%s ", T(l, T_A_TOKEN));
            coll_html_text(h, r->name);
            coll_html_fmt(h, " %s</p>\n<p><code id=\"token\">%s</code></p>\n",
                          T(l, strcmp(r->action, "add") == 0 ? T_A_ONCE_NEW : T_A_ONCE), token);
            sodium_memzero(token, sizeof token);
        }
    }
    static const text_id cols[] = {T_A_NAME, T_K_LOC, T_A_CREATED, T_A_STATE, T_A_ACTIONS};
    admin_ctx x = {.l = l, .s = s};
    bool ok = admin_table(d, h, &x,
                          "SELECT name, location, created_ms, revoked_ms FROM devices"
                          " ORDER BY name COLLATE \"C\"",
                          device_row, cols, 5, T_A_DEVICES);
    coll_html_fmt(h, "<h2>%s</h2>\n", T(l, T_A_ADD_DEVICE));
    form_open(h, l, s, "/dash/admin/devices", "add");
    coll_html_fmt(h,
                  "<label for=\"dev-name\">%s</label><input id=\"dev-name\" name=\"name\" "
                  "required maxlength=\"%d\">\n<label for=\"dev-loc\">%s</label><input "
                  "id=\"dev-loc\" name=\"location\" required maxlength=\"%d\">\n"
                  "<p><button type=\"submit\" id=\"add-device\">%s</button></p>\n</form>\n",
                  T(l, T_A_NAME), COLL_NAME_MAX - 1, T(l, T_K_LOC), COLL_NAME_MAX - 1,
                  T(l, T_A_ADD));
    return admin_send(c, l, h, ok);
}

static int user_row(void *ctx, int ncol, const char *const *v)
{
    (void)ncol;
    admin_ctx *x = ctx;
    coll_html *h = x->h;
    const char *name = v[0] ? v[0] : "";
    coll_html_raw(h, "<tr><th scope=\"row\">");
    coll_html_text(h, name);
    coll_html_raw(h, "</th>");
    cell_text(h, v[1] ? v[1] : "");
    coll_html_raw(h, "<td>");
    form_open(h, x->l, x->s, "/dash/admin/users", "passwd");
    coll_html_raw(h, "<input type=\"hidden\" name=\"user\" value=\"");
    coll_html_text(h, name);
    coll_html_fmt(h, "\"><label for=\"pw-%d\">%s ", x->n, T(x->l, T_A_NEWPW));
    coll_html_text(h, name);
    coll_html_fmt(h,
                  "</label><input id=\"pw-%d\" name=\"password\" type=\"password\" "
                  "autocomplete=\"new-password\" minlength=\"%d\" required>\n",
                  x->n, COLL_USER_PASS_MIN);
    row_button(h, T(x->l, T_A_RESET), name);
    if (strcmp(name, x->s->name) != 0) { /* no removing oneself: someone must stay admin */
        form_open(h, x->l, x->s, "/dash/admin/users", "remove");
        coll_html_raw(h, "<input type=\"hidden\" name=\"user\" value=\"");
        coll_html_text(h, name);
        coll_html_raw(h, "\">");
        row_button(h, T(x->l, T_A_REMOVE), name);
    }
    coll_html_raw(h, "</td></tr>\n");
    x->n++;
    return 0;
}

/* The users page; rc/msg: the outcome of a form handled before (rc 1: none). */
static enum MHD_Result users_page(coll_dash *d, struct MHD_Connection *c, const ui_lang *l,
                                  const coll_user_session *s, int rc, const char *msg)
{
    coll_html *h = coll_html_new();
    if (!h)
        return MHD_NO;
    page_head(h, l, T(l, T_A_USERS), s, "/dash/admin/users", "/dash/admin/users");
    coll_html_fmt(h, "<h1>%s</h1>\n", T(l, T_A_USERS));
    if (rc != 1)
        outcome(h, l, rc, msg);
    static const text_id cols[] = {T_A_NAME, T_A_ROLE, T_A_ACTIONS};
    admin_ctx x = {.l = l, .s = s};
    bool ok = admin_table(d, h, &x, "SELECT name, role FROM users ORDER BY name COLLATE \"C\"",
                          user_row, cols, 3, T_A_USERS);
    coll_html_fmt(h, "<h2>%s</h2>\n", T(l, T_A_ADD_USER));
    form_open(h, l, s, "/dash/admin/users", "add");
    coll_html_fmt(
        h,
        "<label for=\"new-user\">%s</label><input id=\"new-user\" name=\"user\" "
        "required maxlength=\"%d\" autocomplete=\"off\">\n"
        "<label for=\"new-role\">%s</label><select id=\"new-role\" name=\"role\">"
        "<option value=\"viewer\">viewer</option><option value=\"admin\">admin"
        "</option></select>\n<label for=\"new-pw\">%s</label><input id=\"new-pw\" "
        "name=\"password\" type=\"password\" autocomplete=\"new-password\" "
        "minlength=\"%d\" required>\n<p><button type=\"submit\" id=\"add-user\">%s</button>"
        "</p>\n"
        "</form>\n",
        T(l, T_A_NAME), COLL_USER_NAME_MAX - 1, T(l, T_A_ROLE), T(l, T_PASSWORD),
        COLL_USER_PASS_MIN, T(l, T_A_ADD));
    return admin_send(c, l, h, ok);
}

static int conflict_row(void *ctx, int ncol, const char *const *v)
{
    (void)ncol;
    admin_ctx *x = ctx;
    coll_html *h = x->h;
    char when[32];
    fmt_time(coll_store_num(v[2]), when, sizeof when);
    coll_html_raw(h, "<tr><th scope=\"row\"><code>");
    coll_html_text(h, v[0] ? v[0] : "");
    coll_html_raw(h, "</code></th>");
    cell_text(h, when);
    cell_text(h, v[1] ? v[1] : "");
    coll_html_raw(h, "<td><code>");
    coll_html_text(h, v[3] && v[3][0] ? v[3] : T(x->l, T_A_C_BIG));
    coll_html_raw(h, "</code></td>");
    cell_text(h, v[4] ? v[4] : "");
    coll_html_raw(h, "<td><code>");
    coll_html_text(h, v[6] ? T(x->l, T_A_C_SEALED) : v[5] ? v[5] : "");
    coll_html_raw(h, "</code></td></tr>\n");
    x->n++;
    return 0;
}

/* The 409s: each logged conflict beside the version held under its id (the newest 500). */
static enum MHD_Result conflicts_page(coll_dash *d, struct MHD_Connection *c, const ui_lang *l,
                                      const coll_user_session *s)
{
    coll_html *h = coll_html_new();
    if (!h)
        return MHD_NO;
    page_head(h, l, T(l, T_A_CONFLICTS), s, "/dash/admin/conflicts", "/dash/admin/conflicts");
    coll_html_fmt(h, "<h1>%s</h1>\n", T(l, T_A_CONFLICTS));
    static const text_id cols[] = {T_A_C_ID,       T_A_C_RECEIVED, T_A_C_SENT,
                                   T_A_C_SENT_ANS, T_A_C_HELD,     T_A_C_HELD_ANS};
    admin_ctx x = {.l = l, .s = s};
    bool ok = admin_table(d, h, &x,
                          "SELECT c.id, c.device, c.received_ms, c.answers, r.device,"
                          " r.answers, r.sealed FROM conflicts c LEFT JOIN responses r"
                          " ON r.id = c.id ORDER BY c.received_ms DESC, c.id COLLATE \"C\""
                          " LIMIT 500",
                          conflict_row, cols, 6, T_A_CONFLICTS);
    if (ok && x.n == 0)
        coll_html_fmt(h, "<p>%s</p>\n", T(l, T_A_C_NONE));
    return admin_send(c, l, h, ok);
}

/* GET, or POST with k and silent (minutes). */
static enum MHD_Result settings_page(coll_dash *d, struct MHD_Connection *c, const ui_lang *l,
                                     const coll_user_session *s, const dash_req *r)
{
    coll_html *h = coll_html_new();
    if (!h)
        return MHD_NO;
    page_head(h, l, T(l, T_A_SETTINGS), s, "/dash/admin/settings", "/dash/admin/settings");
    coll_html_fmt(h, "<h1>%s</h1>\n", T(l, T_A_SETTINGS));
    if (r) {
        long k, silent;
        char err[WP_ERR_LEN] = "";
        int rc = -1;
        if (!wp_parse_int(r->kval, d->k, 1000000, &k) ||
            !wp_parse_int(r->silent, 1, 60 * 24 * 30, &silent)) {
            wp_strlcpy(err, T(l, T_A_BADVALUE), sizeof err);
        } else {
            static const char *const sql = "INSERT INTO dash_settings(key, value) VALUES(?, ?)"
                                           " ON CONFLICT(key) DO UPDATE SET value = excluded.value";
            coll_param pk[] = {COLL_TEXT("k"), COLL_NUM(k)};
            coll_param ps[] = {COLL_TEXT("silent_ms"), COLL_NUM((int64_t)silent * 60000)};
            rc = coll_db_query(d->db, sql, pk, 2, NULL, NULL, NULL, err, sizeof err) ==
                             COLL_SQL_OK &&
                         coll_db_query(d->db, sql, ps, 2, NULL, NULL, NULL, err, sizeof err) ==
                             COLL_SQL_OK
                     ? 0
                     : -1;
            fprintf(stderr, "wijkpeil-collector: %s: settings k=%ld silent=%ld min: %s\n", s->name,
                    k, silent, rc == 0 ? "saved" : err);
        }
        outcome(h, l, rc, err);
    }
    form_open(h, l, s, "/dash/admin/settings", "save");
    coll_html_raw(h, "<label for=\"k\">");
    coll_html_fmt(h, T(l, T_A_K), (long long)d->k);
    coll_html_fmt(h,
                  "</label><input id=\"k\" name=\"k\" type=\"number\" min=\"%lld\" "
                  "value=\"%lld\" required>\n<label for=\"silent\">%s</label><input "
                  "id=\"silent\" name=\"silent\" type=\"number\" min=\"1\" value=\"%lld\" "
                  "required>\n<p><button type=\"submit\" id=\"save\">%s</button></p>\n</form>\n",
                  (long long)d->k, (long long)dash_k(d), T(l, T_A_SILENT),
                  (long long)(dash_silent_ms(d) / 60000), T(l, T_A_SAVE));
    page_end(h);
    return send_html(c, 200, h, NULL);
}

/* POST /dash/admin/users: remove here; add and passwd hash the password off the event loop
 * (users_done answers when it is done). */
static enum MHD_Result users_post(coll_dash *d, struct MHD_Connection *c, dash_req *r,
                                  const ui_lang *l, const coll_user_session *s)
{
    char err[WP_ERR_LEN] = "";
    if (strcmp(r->action, "remove") == 0) {
        int rc = -1;
        if (strcmp(r->user, s->name) == 0)
            wp_strlcpy(err, T(l, T_A_SELF), sizeof err);
        else
            rc = coll_user_remove(d->db, r->user, err, sizeof err);
        fprintf(stderr, "wijkpeil-collector: %s: user remove \"%s\": %s\n", s->name, r->user,
                rc == 0 ? "done" : err);
        return users_page(d, c, l, s, rc, err);
    }
    bool add = strcmp(r->action, "add") == 0;
    if (!add && strcmp(r->action, "passwd") != 0)
        return users_page(d, c, l, s, -1, "?");
    if (add && strcmp(r->newrole, "viewer") != 0 && strcmp(r->newrole, "admin") != 0)
        return users_page(d, c, l, s, -1, "role: viewer or admin");
    r->job = add ? JOB_USER_ADD : JOB_USER_PASSWD;
    return start_hashing(d, c, r, l);
}

static enum MHD_Result users_done(coll_dash *d, struct MHD_Connection *c, dash_req *r,
                                  const ui_lang *l)
{
    coll_user_session s;
    int rc = session_of(d, c, &s);
    if (rc < 0)
        return message_page(c, 503, l, T_BUSY);
    if (rc > 0) /* an admin who reset their own password signs in again */
        return redirect(c, l->li ? "/dash/login?lang=en" : "/dash/login", NULL);
    fprintf(stderr, "wijkpeil-collector: %s: user %s \"%s\": %s\n", s.name, r->action, r->user,
            r->verify == 0 ? "done" : r->msg);
    return users_page(d, c, l, &s, r->verify == 0 ? 0 : -1, r->msg);
}

/* ---- publishing (coll_pub.h): an upload handed to what `publish` does, the list, withdraw ---- */

typedef struct {
    coll_html *h;
    const ui_lang *l;
    const coll_user_session *s;
    int n;
} pub_ctx;

static text_id state_text(const char *state)
{
    static const struct {
        const char *state;
        text_id t;
    } m[] = {{"waiting", T_P_S_WAITING},     {"active", T_P_S_ACTIVE}, {"ended", T_P_S_ENDED},
             {"withdrawn", T_P_S_WITHDRAWN}, {"due", T_P_S_DUE},       {"failed", T_P_S_FAILED},
             {"", T_P_S_UNREPORTED}};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (strcmp(state, m[i].state) == 0)
            return m[i].t;
    return T_UNKNOWN;
}

/* "spring v3" or "settings hours.conf" (without the cell: pub_what has it) */
static void pub_what_text(coll_html *h, const ui_lang *l, const char *kind, const char *set_id,
                          int64_t version)
{
    if (strcmp(kind, "settings") == 0) {
        coll_html_fmt(h, "%s ", T(l, T_P_SETTINGS));
        coll_html_text(h, set_id);
    } else {
        coll_html_text(h, set_id);
        coll_html_fmt(h, " v%lld", (long long)version);
    }
}

static void pub_what(coll_html *h, const ui_lang *l, const char *kind, const char *set_id,
                     int64_t version)
{
    coll_html_raw(h, "<td>");
    pub_what_text(h, l, kind, set_id, version);
    coll_html_raw(h, "</td>");
}

/* A time as the page shows it, or the word for none ("now", "without end"). */
static const char *when_text(const ui_lang *l, int64_t ms, text_id none, char *buf, size_t len)
{
    if (!ms)
        return T(l, none);
    fmt_time(ms, buf, len);
    return buf;
}

static void pub_when(coll_html *h, const ui_lang *l, int64_t ms, text_id none)
{
    char buf[32];
    cell_text(h, when_text(l, ms, none, buf, sizeof buf));
}

/* "nazareth: every kiosk" or "nazareth: n1,n2" */
static void pub_where(coll_html *h, const ui_lang *l, const coll_pub_row *r)
{
    coll_html_text(h, r->location);
    coll_html_raw(h, ": ");
    coll_html_text(h, r->devices ? r->devices : T(l, T_P_EVERY));
}

static int pub_row(void *ctx, const coll_pub_row *r)
{
    pub_ctx *x = ctx;
    coll_html *h = x->h;
    coll_html_raw(h, "<tr><th scope=\"row\"><code>");
    coll_html_text(h, r->id);
    coll_html_raw(h, "</code></th>");
    pub_what(h, x->l, r->kind, r->set_id, r->set_version);
    coll_html_raw(h, "<td>");
    pub_where(h, x->l, r);
    coll_html_raw(h, "</td>");
    pub_when(h, x->l, r->from_ms, T_P_NOW);
    pub_when(h, x->l, r->until_ms, T_P_NOEND);
    cell_text(h, T(x->l, state_text(r->state)));
    coll_html_fmt(h, "<td>%lld (%lld bytes)</td><td>", (long long)r->files, (long long)r->bytes);
    if (strcmp(r->state, "withdrawn") != 0) {
        form_open(h, x->l, x->s, "/dash/admin/publish", "withdraw");
        coll_html_raw(h, "<input type=\"hidden\" name=\"id\" value=\"");
        coll_html_text(h, r->id);
        coll_html_raw(h, "\">");
        row_button(h, T(x->l, T_P_WITHDRAW), r->id);
    }
    coll_html_raw(h, "</td></tr>\n");
    x->n++;
    return 0;
}

/* The reason cell: the kiosk's word (why) in the page's language, its English reason after it,
 * smaller, for support; the reason alone for a word not known here. */
static void pub_reason(coll_html *h, const ui_lang *l, const char *why, const char *reason)
{
    static const struct {
        const char *why;
        text_id t;
    } m[] = {
        {FLEET_WHY_UNSIGNED, T_P_K_UNSIGNED},     {FLEET_WHY_UNKNOWN_KEY, T_P_K_UNKNOWN_KEY},
        {FLEET_WHY_TAMPERED, T_P_K_TAMPERED},     {FLEET_WHY_INVALID, T_P_K_INVALID},
        {FLEET_WHY_TOO_LARGE, T_P_K_TOO_LARGE},   {FLEET_WHY_UNSAFE, T_P_K_UNSAFE},
        {FLEET_WHY_UNREADABLE, T_P_K_UNREADABLE}, {FLEET_WHY_SETTINGS, T_P_K_SETTINGS},
        {FLEET_WHY_NOT_KEPT, T_P_K_NOT_KEPT},     {FLEET_WHY_NOT_INSTALLED, T_P_K_NOT_INSTALLED},
        {FLEET_WHY_MISSING, T_P_K_MISSING}};
    const char *word = NULL;
    for (size_t i = 0; i < sizeof m / sizeof m[0] && why && why[0]; i++)
        if (strcmp(why, m[i].why) == 0)
            word = T(l, m[i].t);
    coll_html_raw(h, "<td>");
    if (word)
        coll_html_fmt(h, "<span class=\"why\">%s</span>", word);
    if (reason && reason[0]) {
        coll_html_raw(h, word ? "<br><small class=\"detail\" lang=\"en\">" : "<span lang=\"en\">");
        coll_html_text(h, reason); /* the kiosk's words, as its log has them */
        coll_html_raw(h, word ? "</small>" : "</span>");
    }
    coll_html_raw(h, "</td>");
}

static int pub_kiosk_row(void *ctx, const coll_pub_kiosk_row *r)
{
    pub_ctx *x = ctx;
    coll_html *h = x->h;
    coll_html_fmt(h, "<tr%s><th scope=\"row\">",
                  strcmp(r->kiosk_state, "failed") == 0 ? " class=\"flagged\"" : "");
    coll_html_text(h, r->device);
    coll_html_raw(h, "</th>");
    cell_text(h, r->location);
    coll_html_raw(h, "<td><code>");
    coll_html_text(h, r->id);
    coll_html_raw(h, "</code></td>");
    pub_what(h, x->l, r->kind, r->set_id, r->set_version);
    pub_when(h, x->l, r->from_ms, T_P_NOW);
    pub_when(h, x->l, r->until_ms, T_P_NOEND);
    cell_text(h, T(x->l, r->centre_state[0] ? state_text(r->centre_state) : T_P_S_NOT_ASSIGNED));
    coll_html_raw(h, "<td>");
    coll_html_text(h, T(x->l, state_text(r->kiosk_state)));
    if (r->source[0]) {
        coll_html_raw(h, " (");
        coll_html_text(h,
                       T(x->l, strcmp(r->source, "stick") == 0 ? T_P_SRC_STICK : T_P_SRC_NETWORK));
        coll_html_raw(h, ")");
    }
    coll_html_raw(h, "</td>");
    pub_reason(h, x->l, r->why, r->reason);
    coll_html_raw(h, "</tr>\n");
    x->n++;
    return 0;
}

/* One problem of a settings document in the page's language: "hours.conf, regel 3: ...", from the
 * values coll_pub gives (the key's row in config.h says what the value should have been). */
static void conf_problem_text(const ui_lang *l, const char *file, const coll_pub_problem *p,
                              char *buf, size_t len)
{
    size_t n = 0;
    if (p->line > 0) {
        int k = snprintf(buf, len, T(l, T_P_CONF_LINE), file, p->line);
        n = k > 0 && (size_t)k < len ? (size_t)k : 0;
    }
    char *at = buf + n;
    size_t left = len - n;
    const config_setting *row = config_setting_find(p->key);
    switch ((config_problem_kind)p->kind) {
    case CONFIG_PROBLEM_NOT_TEXT:
        snprintf(at, left, T(l, T_P_CONF_NOT_TEXT), file);
        return;
    case CONFIG_PROBLEM_SYNTAX:
        snprintf(at, left, "%s", T(l, T_P_CONF_SYNTAX));
        return;
    case CONFIG_PROBLEM_UNKNOWN:
        snprintf(at, left, T(l, T_P_CONF_UNKNOWN), p->key);
        return;
    case CONFIG_PROBLEM_NOT_REMOTE: {
        char keys[512] = "";
        size_t nrows, used = 0;
        const config_setting *rows = config_settings(&nrows);
        for (size_t i = 0; i < nrows; i++)
            if ((rows[i].from & CONFIG_FROM_REMOTE) && used < sizeof keys) {
                int k = snprintf(keys + used, sizeof keys - used, "%s%s", used ? ", " : "",
                                 rows[i].key);
                used += k > 0 ? (size_t)k : 0;
            }
        snprintf(at, left, T(l, T_P_CONF_NOT_REMOTE), p->key, keys);
        return;
    }
    case CONFIG_PROBLEM_VALUE:
        break;
    }
    switch (row ? row->type : CONFIG_CHOICE) {
    case CONFIG_INT:
        snprintf(at, left, T(l, T_P_CONF_INT), p->key, p->value, (long)row->min, (long)row->max);
        return;
    case CONFIG_BOOL:
        snprintf(at, left, T(l, T_P_CONF_BOOL), p->key, p->value);
        return;
    case CONFIG_HOURS:
        snprintf(at, left, T(l, T_P_CONF_HOURS), p->key, p->value);
        return;
    case CONFIG_STR: /* text is refused only for its length */
        snprintf(at, left, T(l, T_P_CONF_STR), p->key, row->size - 1);
        return;
    default:
        break;
    }
    snprintf(at, left, T(l, T_P_CONF_VALUE), p->key, p->value);
}

/* A refusal in the page's language, naming the file, and the collector's own message; for a
 * settings document every problem in it, each with its line. */
static void pub_refused(coll_html *h, const ui_lang *l, const coll_pub_refusal *why,
                        const char *msg)
{
    static const text_id words[] = {
        [COLL_PUB_WHY_OTHER] = T_P_WHY_OTHER,       [COLL_PUB_WHY_NAME] = T_P_WHY_NAME,
        [COLL_PUB_WHY_NO_SIG] = T_P_WHY_NO_SIG,     [COLL_PUB_WHY_BAD_SIG] = T_P_WHY_BAD_SIG,
        [COLL_PUB_WHY_TAMPERED] = T_P_WHY_TAMPERED, [COLL_PUB_WHY_NOT_SET] = T_P_WHY_NOT_SET,
        [COLL_PUB_WHY_SETTINGS] = T_P_WHY_SETTINGS, [COLL_PUB_WHY_MISSING] = T_P_WHY_MISSING,
        [COLL_PUB_WHY_MISMATCH] = T_P_WHY_MISMATCH, [COLL_PUB_WHY_TOO_BIG] = T_P_WHY_TOO_BIG,
        [COLL_PUB_WHY_WHEN] = T_P_WHY_WHEN,         [COLL_PUB_WHY_LOCATION] = T_P_WHY_LOCATION,
        [COLL_PUB_WHY_DEVICE] = T_P_WHY_DEVICE,     [COLL_PUB_WHY_UNLISTED] = T_P_WHY_UNLISTED};
    text_id t = (size_t)why->why < sizeof words / sizeof words[0] ? words[why->why] : T_P_WHY_OTHER;
    if (why->why == COLL_PUB_WHY_MISSING && !why->file[0])
        t = T_P_WHY_NO_SET;
    char text[WP_ERR_LEN + COLL_PUB_NAME_MAX];
    snprintf(text, sizeof text, T(l, t), why->file[0] ? why->file : "?");
    coll_html_fmt(h, "<div class=\"error\" role=\"alert\" id=\"outcome\"><p>%s", T(l, T_A_FAILED));
    coll_html_text(h, text);
    coll_html_raw(h, "</p>\n");
    if (why->why == COLL_PUB_WHY_SETTINGS && why->n_problems > 0) {
        coll_html_raw(h, "<ul id=\"problems\">\n");
        for (int i = 0; i < why->n_problems; i++) {
            conf_problem_text(l, why->file, &why->problems[i], text, sizeof text);
            coll_html_raw(h, "<li>");
            coll_html_text(h, text);
            coll_html_raw(h, "</li>\n");
        }
        if (why->more_problems) {
            snprintf(text, sizeof text, T(l, T_P_CONF_MORE), why->more_problems);
            coll_html_raw(h, "<li>");
            coll_html_text(h, text);
            coll_html_raw(h, "</li>\n");
        }
        coll_html_raw(h, "</ul>\n");
    }
    coll_html_fmt(h, "<p>%s: <span lang=\"en\">", T(l, T_P_DETAIL));
    coll_html_text(h, msg);
    coll_html_raw(h, "</span></p></div>\n");
}

/* POST action=publish: the upload, published as `publish` would. */
static void publish_upload(coll_dash *d, coll_html *h, const ui_lang *l, const coll_user_session *s,
                           dash_req *r)
{
    coll_pub_refusal why = {.why = COLL_PUB_WHY_OTHER};
    coll_pub_spec spec = {
        .location = r->location, .force = strcmp(r->force, "yes") == 0, .refusal = &why};
    char err[WP_ERR_LEN] = "", id[COLL_PUB_ID_LEN] = "";
    /* the kiosks named: separated by blanks or commas (r->devices is cut up in place) */
    for (char *save = NULL, *t = strtok_r(r->devices, " ,\t\r\n", &save);
         t && spec.n_devices < COLL_PUB_MAX_DEVICES; t = strtok_r(NULL, " ,\t\r\n", &save))
        spec.devices[spec.n_devices++] = t;
    /* datetime-local sends "2027-03-01T08:00": the collector's local time, as for `publish` */
    if ((r->from[0] && !coll_pub_parse_time(r->from, &spec.from_ms)) ||
        (r->until[0] && !coll_pub_parse_time(r->until, &spec.until_ms))) {
        coll_html_fmt(h, "<p class=\"error\" role=\"alert\" id=\"outcome\">%s%s</p>\n",
                      T(l, T_A_FAILED), T(l, T_P_BAD_TIME));
        return;
    }
    int rc = r->up ? coll_pubup_add(r->up, d->db, &spec, wp_wall_ms(), id, err, sizeof err) : -1;
    fprintf(stderr, "wijkpeil-collector: %s: publish to %s: %s%s\n", s->name, r->location,
            rc == 0 ? "published as " : "", rc == 0 ? id : err);
    if (rc != 0) {
        pub_refused(h, l, &why, err);
        return;
    }
    coll_html_fmt(h, "<p role=\"status\" id=\"outcome\">%s <code id=\"published\">%s</code></p>\n",
                  T(l, T_P_PUBLISHED), id);
}

/* The first step of a withdrawal: what it does, a second form (the CSRF token and confirm=yes)
 * and a way back. Written when id is a publication not yet withdrawn. */
typedef struct {
    coll_html *h;
    const ui_lang *l;
    const coll_user_session *s;
    const char *id;
    bool found;
} withdraw_ask;

static int withdraw_ask_row(void *ctx, const coll_pub_row *r)
{
    withdraw_ask *x = ctx;
    coll_html *h = x->h;
    const ui_lang *l = x->l;
    if (x->found || strcmp(r->id, x->id) != 0 || strcmp(r->state, "withdrawn") == 0)
        return 0;
    x->found = true;
    char buf[32], text[WP_ERR_LEN];
    coll_html_fmt(h, "<h2 id=\"confirm\">%s</h2>\n<dl>\n<dt>%s</dt><dd><code>",
                  T(l, T_P_WITHDRAW_ASK), T(l, T_P_ID));
    coll_html_text(h, r->id);
    coll_html_fmt(h, "</code></dd>\n<dt>%s</dt><dd>", T(l, T_P_WHAT));
    pub_what_text(h, l, r->kind, r->set_id, r->set_version);
    coll_html_raw(h, " (<code>");
    coll_html_text(h, r->set_file);
    coll_html_fmt(h, "</code>)</dd>\n<dt>%s</dt><dd>", T(l, T_P_WHERE));
    pub_where(h, l, r);
    coll_html_fmt(h, "</dd>\n<dt>%s</dt><dd>", T(l, T_P_FROM_COL));
    coll_html_text(h, when_text(l, r->from_ms, T_P_NOW, buf, sizeof buf));
    coll_html_fmt(h, "</dd>\n<dt>%s</dt><dd>", T(l, T_P_UNTIL_COL));
    coll_html_text(h, when_text(l, r->until_ms, T_P_NOEND, buf, sizeof buf));
    snprintf(text, sizeof text,
             T(l, strcmp(r->kind, "settings") == 0 ? T_P_WITHDRAW_SETTINGS : T_P_WITHDRAW_SET),
             r->location);
    coll_html_raw(h, "</dd>\n</dl>\n<p id=\"confirm-what\">");
    coll_html_text(h, text);
    coll_html_raw(h, "</p>\n");
    form_open(h, l, x->s, "/dash/admin/publish", "withdraw");
    coll_html_raw(h, "<input type=\"hidden\" name=\"id\" value=\"");
    coll_html_text(h, r->id);
    coll_html_fmt(h,
                  "\"><input type=\"hidden\" name=\"confirm\" value=\"yes\">\n"
                  "<p><button type=\"submit\" id=\"withdraw-yes\">%s</button> "
                  "<a href=\"/dash/admin/publish%s\" id=\"withdraw-cancel\">%s</a></p>\n</form>\n",
                  T(l, T_P_WITHDRAW), l->li ? "?lang=en" : "", T(l, T_A_CANCEL));
    return 0;
}

/* POST action=withdraw without confirm=yes: the question, nothing withdrawn. True when asked
 * (the page ends there); false for no such publication (said in h) or an error (in err). */
static bool publish_withdraw_ask(coll_dash *d, coll_html *h, const ui_lang *l,
                                 const coll_user_session *s, const dash_req *r, bool *ok, char *err,
                                 size_t errlen)
{
    withdraw_ask x = {h, l, s, r->pubid, false};
    *ok = coll_pub_each(d->db, wp_wall_ms(), withdraw_ask_row, &x, err, errlen) == 0;
    if (*ok && !x.found)
        outcome(h, l, -1, T(l, T_P_NOT_FOUND));
    return *ok && x.found;
}

static void publish_withdraw(coll_dash *d, coll_html *h, const ui_lang *l,
                             const coll_user_session *s, const dash_req *r)
{
    char err[WP_ERR_LEN] = "";
    int rc = coll_pub_withdraw(d->db, r->pubid, wp_wall_ms(), err, sizeof err);
    fprintf(stderr, "wijkpeil-collector: %s: withdraw \"%s\": %s\n", s->name, r->pubid,
            rc == 0  ? "done"
            : rc > 0 ? "no such publication"
                     : err);
    if (rc == 0)
        coll_html_fmt(h, "<p role=\"status\" id=\"outcome\">%s</p>\n", T(l, T_P_WITHDRAWN_OK));
    else
        outcome(h, l, -1, rc > 0 ? T(l, T_P_NOT_FOUND) : err);
}

/* A table's head: a hidden caption and the columns. */
static void table_head(coll_html *h, const ui_lang *l, text_id caption, const text_id *cols,
                       size_t n)
{
    coll_html_fmt(h, "<table>\n<caption class=\"visually-hidden\">%s</caption>\n<thead><tr>",
                  T(l, caption));
    for (size_t i = 0; i < n; i++)
        coll_html_fmt(h, "<th scope=\"col\">%s</th>", T(l, cols[i]));
    coll_html_raw(h, "</tr></thead>\n<tbody>\n");
}

/* GET, or POST action=publish (multipart: the upload) | withdraw (id; with confirm=yes it
 * withdraws, without it the page asks first). */
static enum MHD_Result publish_page(coll_dash *d, struct MHD_Connection *c, const ui_lang *l,
                                    const coll_user_session *s, dash_req *r)
{
    coll_html *h = coll_html_new();
    if (!h)
        return MHD_NO;
    page_head(h, l, T(l, T_P_TITLE), s, "/dash/admin/publish", "/dash/admin/publish");
    coll_html_fmt(h, "<h1>%s</h1>\n", T(l, T_P_TITLE));
    char err[WP_ERR_LEN];
    bool ok = true;
    if (r && strcmp(r->action, "withdraw") == 0 && strcmp(r->confirm, "yes") != 0) {
        /* the first step: nothing is withdrawn without the second */
        if (publish_withdraw_ask(d, h, l, s, r, &ok, err, sizeof err) || !ok) {
            if (!ok)
                fprintf(stderr, "wijkpeil-collector: publish page: %s\n", err);
            return admin_send(c, l, h, ok);
        }
    } else if (r && strcmp(r->action, "withdraw") == 0)
        publish_withdraw(d, h, l, s, r);
    else if (r)
        publish_upload(d, h, l, s, r);
    /* the form */
    coll_html_fmt(h,
                  "<h2>%s</h2>\n<form method=\"post\" action=\"/dash/admin/publish\" "
                  "enctype=\"multipart/form-data\">\n<input type=\"hidden\" name=\"csrf\" "
                  "value=\"",
                  T(l, T_P_NEW));
    coll_html_text(h, s->csrf);
    coll_html_fmt(h,
                  "\"><input type=\"hidden\" name=\"lang\" value=\"%s\">"
                  "<input type=\"hidden\" name=\"action\" value=\"publish\">\n"
                  "<label for=\"set\">%s</label><input id=\"set\" name=\"set\" type=\"file\" "
                  "accept=\".json,.conf\" required>\n"
                  "<label for=\"sig\">%s</label><input id=\"sig\" name=\"sig\" type=\"file\" "
                  "accept=\".sig\" required>\n"
                  "<label for=\"media\">%s</label><input id=\"media\" name=\"media\" "
                  "type=\"file\" multiple>\n<label for=\"location\">%s</label>"
                  "<select id=\"location\" name=\"location\" required>",
                  l->code, T(l, T_P_SET), T(l, T_P_SIG), T(l, T_P_MEDIA), T(l, T_K_LOC));
    option_ctx oc = {h, r ? r->location : NULL};
    ok = coll_db_query(d->db, "SELECT DISTINCT location FROM devices ORDER BY location", NULL, 0,
                       location_option, &oc, NULL, err, sizeof err) == COLL_SQL_OK;
    coll_html_fmt(h,
                  "</select>\n<label for=\"devices\">%s</label><input id=\"devices\" "
                  "name=\"devices\" maxlength=\"%zu\">\n"
                  "<label for=\"from\">%s</label><input id=\"from\" name=\"from\" "
                  "type=\"datetime-local\">\n<label for=\"until\">%s</label><input id=\"until\" "
                  "name=\"until\" type=\"datetime-local\">\n<p><input type=\"checkbox\" "
                  "id=\"force\" name=\"force\" value=\"yes\"> <label for=\"force\" "
                  "class=\"inline\">%s</label></p>\n<p><button type=\"submit\" "
                  "id=\"publish\">%s</button></p>\n</form>\n",
                  T(l, T_P_DEVICES), sizeof r->devices - 1, T(l, T_P_FROM), T(l, T_P_UNTIL),
                  T(l, T_P_FORCE), T(l, T_P_PUBLISH));
    /* what is published, and per kiosk what it has of it */
    static const text_id cols[] = {T_P_ID,        T_P_WHAT,  T_P_WHERE, T_P_FROM_COL,
                                   T_P_UNTIL_COL, T_A_STATE, T_P_FILES, T_A_ACTIONS};
    static const text_id kcols[] = {T_K_COL,    T_K_LOC,        T_P_ID,
                                    T_P_WHAT,   T_P_FROM_COL,   T_P_UNTIL_COL,
                                    T_P_CENTRE, T_P_KIOSK_SAYS, T_P_REASON};
    pub_ctx x = {.h = h, .l = l, .s = s};
    coll_html_fmt(h, "<h2 id=\"publications\">%s</h2>\n", T(l, T_P_LIST));
    table_head(h, l, T_P_LIST, cols, sizeof cols / sizeof cols[0]);
    ok = ok && coll_pub_each(d->db, wp_wall_ms(), pub_row, &x, err, sizeof err) == 0;
    coll_html_raw(h, "</tbody>\n</table>\n");
    if (ok && x.n == 0)
        coll_html_fmt(h, "<p>%s</p>\n", T(l, T_P_NONE));
    x.n = 0;
    coll_html_fmt(h, "<h2 id=\"per-kiosk\">%s</h2>\n", T(l, T_P_PER_KIOSK));
    table_head(h, l, T_P_PER_KIOSK, kcols, sizeof kcols / sizeof kcols[0]);
    ok = ok && coll_pub_each_kiosk(d->db, wp_wall_ms(), pub_kiosk_row, &x, err, sizeof err) == 0;
    coll_html_raw(h, "</tbody>\n</table>\n");
    if (ok && x.n == 0)
        coll_html_fmt(h, "<p>%s</p>\n", T(l, T_P_NO_KIOSKS));
    if (!ok)
        fprintf(stderr, "wijkpeil-collector: publish page: %s\n", err);
    return admin_send(c, l, h, ok);
}

/* /dash/admin/...: administrators only; every POST carries the session's CSRF token. */
static enum MHD_Result admin_route(coll_dash *d, struct MHD_Connection *c, const char *url,
                                   bool post, dash_req *r, const ui_lang *l,
                                   const coll_user_session *s)
{
    if (!is_admin(s))
        return message_page(c, 403, l, T_ADMIN_ONLY);
    if (post && !csrf_equal(r->csrf, s->csrf))
        return message_page(c, 403, l, T_FORGED);
    if (strcmp(url, "/dash/admin/devices") == 0)
        return devices_page(d, c, l, s, post ? r : NULL);
    if (strcmp(url, "/dash/admin/users") == 0)
        return post ? users_post(d, c, r, l, s) : users_page(d, c, l, s, 1, "");
    if (strcmp(url, "/dash/admin/settings") == 0)
        return settings_page(d, c, l, s, post ? r : NULL);
    if (strcmp(url, "/dash/admin/conflicts") == 0 && !post)
        return conflicts_page(d, c, l, s);
    if (strcmp(url, "/dash/admin/publish") == 0)
        return publish_page(d, c, l, s, post ? r : NULL);
    return message_page(c, 405, l, T_NOTFOUND);
}

/* ---- downloads ---------------------------------------------------------------------------- */

/* GET /dash/export?set=ID&format=xlsx|csv-excel|csv|jsonl[&labels=LANG]: every response of a
 * set, as `export` writes it. Raw responses: administrators only. */
static enum MHD_Result export_download(coll_dash *d, struct MHD_Connection *c, const ui_lang *l,
                                       const coll_user_session *s)
{
    if (strcmp(s->role, "admin") != 0)
        return message_page(c, 403, l, T_ADMIN_ONLY);
    const char *set = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "set");
    const char *format = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "format");
    const char *labels = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "labels");
    long si = set ? coll_results_sets_find(d->sets, set) : -1;
    coll_export_format fmt = COLL_EXPORT_XLSX;
    if (si < 0 || (format && coll_export_format_parse(format, &fmt) != 0))
        return message_page(c, 404, l, T_NOTFOUND);
    char *buf = NULL, err[WP_ERR_LEN];
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return MHD_NO;
    coll_export_opts o = {.fmt = fmt,
                          .questionset = set,
                          .qset_path = coll_results_sets_path(d->sets, (size_t)si),
                          .lang = labels && labels[0] ? labels : NULL,
                          .k = dash_k(d)};
    long n = coll_export_write(d->db, m, &o, err, sizeof err);
    fclose(m);
    if (n < 0) {
        free(buf);
        fprintf(stderr, "wijkpeil-collector: download: %s\n", err);
        return message_page(c, 404, l, T_NOTFOUND);
    }
    /* the file name: the set id with anything but [A-Za-z0-9._-] made "_" */
    char name[COLL_NAME_MAX * 2], disp[COLL_NAME_MAX * 2 + 64];
    wp_strlcpy(name, set, sizeof name);
    for (char *p = name; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p))
            *p = '_';
    snprintf(disp, sizeof disp, "attachment; filename=\"%s.%s\"", name, coll_export_ext(fmt));
    struct MHD_Response *r = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(buf);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", coll_export_mime(fmt));
    MHD_add_response_header(r, "Content-Disposition", disp);
    security_headers(r);
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- routing ------------------------------------------------------------------------------ */

static bool loopback(const char *addr)
{
    return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
           strncmp(addr, "::ffff:127.", 11) == 0;
}

static void client_address(struct MHD_Connection *c, char *buf, size_t len)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    wp_strlcpy(buf, "?", len);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
                  (socklen_t)len);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf,
                  (socklen_t)len);
}

/* Behind a TLS proxy every request comes from the proxy: the team member's address is the last one
 * the proxy appended to X-Forwarded-For (nginx's $proxy_add_x_forwarded_for; earlier entries come
 * from the client and are not trusted). Used for the sign-in throttle and the log; kept as is when
 * the header holds no address. */
static void forwarded_address(struct MHD_Connection *c, char *buf, size_t len)
{
    const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
    if (!xff)
        return;
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    last += strspn(last, " \t");
    char ip[INET6_ADDRSTRLEN];
    size_t n = strcspn(last, " \t");
    if (n == 0 || n >= sizeof ip)
        return;
    memcpy(ip, last, n);
    ip[n] = '\0';
    unsigned char bin[sizeof(struct in6_addr)];
    if (inet_pton(AF_INET, ip, bin) == 1 || inet_pton(AF_INET6, ip, bin) == 1)
        wp_strlcpy(buf, ip, len);
}

static void field(char *dst, size_t cap, const char *data, uint64_t off, size_t size, bool *big)
{
    if (off + size + 1 > cap) {
        *big = true;
        return;
    }
    memcpy(dst + off, data, size);
    dst[off + size] = '\0';
}

static enum MHD_Result form_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *filename, const char *content_type,
                                  const char *transfer_encoding, const char *data, uint64_t off,
                                  size_t size)
{
    (void)kind;
    (void)content_type;
    (void)transfer_encoding;
    dash_req *r = cls;
    if (strcmp(key, "user") == 0)
        field(r->user, sizeof r->user, data, off, size, &r->too_big);
    else if (strcmp(key, "password") == 0)
        field(r->password, sizeof r->password, data, off, size, &r->too_big);
    else if (strcmp(key, "csrf") == 0)
        field(r->csrf, sizeof r->csrf, data, off, size, &r->too_big);
    else if (strcmp(key, "lang") == 0)
        field(r->lang, sizeof r->lang, data, off, size, &r->too_big);
    else if (strcmp(key, "action") == 0)
        field(r->action, sizeof r->action, data, off, size, &r->too_big);
    else if (strcmp(key, "name") == 0)
        field(r->name, sizeof r->name, data, off, size, &r->too_big);
    else if (strcmp(key, "location") == 0)
        field(r->location, sizeof r->location, data, off, size, &r->too_big);
    else if (strcmp(key, "role") == 0)
        field(r->newrole, sizeof r->newrole, data, off, size, &r->too_big);
    else if (strcmp(key, "k") == 0)
        field(r->kval, sizeof r->kval, data, off, size, &r->too_big);
    else if (strcmp(key, "silent") == 0)
        field(r->silent, sizeof r->silent, data, off, size, &r->too_big);
    else if (strcmp(key, "confirm") == 0)
        field(r->confirm, sizeof r->confirm, data, off, size, &r->too_big);
    else if (strcmp(key, "devices") == 0)
        field(r->devices, sizeof r->devices, data, off, size, &r->too_big);
    else if (strcmp(key, "from") == 0)
        field(r->from, sizeof r->from, data, off, size, &r->too_big);
    else if (strcmp(key, "until") == 0)
        field(r->until, sizeof r->until, data, off, size, &r->too_big);
    else if (strcmp(key, "force") == 0)
        field(r->force, sizeof r->force, data, off, size, &r->too_big);
    else if (strcmp(key, "id") == 0)
        field(r->pubid, sizeof r->pubid, data, off, size, &r->too_big);
    else if (r->up && filename &&
             (!strcmp(key, "set") || !strcmp(key, "sig") || !strcmp(key, "media")))
        coll_pubup_write(r->up, key, filename, data, off, size);
    return MHD_YES;
}

/* POST /dash/admin/publish by an administrator: the files of the upload go to a private folder
 * as they come (coll_pubup.h); anyone else's files are dropped unread and the route answers
 * 403. False when the folder cannot be made. */
static bool upload_start(coll_dash *d, struct MHD_Connection *c, dash_req *r)
{
    coll_user_session s;
    if (session_of(d, c, &s) != 0 || !is_admin(&s))
        return true;
    char err[WP_ERR_LEN];
    if (coll_pubup_new(&r->up, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-collector: publish upload: %s\n", err);
        return false;
    }
    return true;
}

static enum MHD_Result route(coll_dash *d, struct MHD_Connection *c, const char *url,
                             const char *method, dash_req *r)
{
    bool post = strcmp(method, "POST") == 0;
    ui_lang l = pick_lang(c, post ? r->lang : NULL);
    if (strcmp(url, "/dash/style.css") == 0 || strcmp(url, COLL_REPORT_CSS_PATH) == 0) {
        char *body = strdup(strcmp(url, COLL_REPORT_CSS_PATH) == 0 ? coll_report_css() : css);
        return body ? send_body(c, 200, "text/css; charset=utf-8", body, strlen(body), NULL, NULL)
                    : MHD_NO;
    }
    if (r->too_big)
        return message_page(c, 413, &l, T_FORGED);
    if (strcmp(url, "/dash/login") == 0)
        return post ? signin_post(d, c, r, &l) : login_page(d, c, &l, 200, T_COUNT);
    static const char *const pages[] = {"/",
                                        "/dash",
                                        "/dash/",
                                        "/dash/kiosks",
                                        "/dash/results",
                                        "/dash/logout",
                                        "/dash/export",
                                        "/dash/admin/devices",
                                        "/dash/admin/users",
                                        "/dash/admin/conflicts",
                                        "/dash/admin/settings",
                                        "/dash/admin/publish",
                                        "/dash/when",
                                        "/dash/report",
                                        "/dash/compare",
                                        "/dash/trend",
                                        "/dash/crosstab"};
    bool known = false;
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
        known |= strcmp(url, pages[i]) == 0;
    if (!known) /* not sent to the sign-in form: a stray /favicon.ico would renew its token */
        return message_page(c, 404, &l, T_NOTFOUND);
    coll_user_session s;
    int rc = session_of(d, c, &s);
    if (rc < 0)
        return message_page(c, 503, &l, T_BUSY);
    if (rc > 0)
        return redirect(c, l.li ? "/dash/login?lang=en" : "/dash/login", NULL);
    if (strcmp(url, "/dash/logout") == 0 && post)
        return signout_post(d, c, r, &l, &s);
    if (strncmp(url, "/dash/admin/", 12) == 0)
        return admin_route(d, c, url, post, r, &l, &s);
    if (post)
        return message_page(c, 405, &l, T_NOTFOUND);
    if (strcmp(url, "/") == 0 || strcmp(url, "/dash") == 0 || strcmp(url, "/dash/") == 0)
        return redirect(c, l.li ? "/dash/kiosks?lang=en" : "/dash/kiosks", NULL);
    if (strcmp(url, "/dash/kiosks") == 0)
        return kiosks_page(d, c, &l, &s);
    if (strcmp(url, "/dash/results") == 0)
        return results_page(d, c, &l, &s);
    if (strcmp(url, "/dash/compare") == 0 || strcmp(url, "/dash/trend") == 0 ||
        strcmp(url, "/dash/crosstab") == 0)
        return views_page(d, c, &l, &s, url);
    if (strcmp(url, "/dash/export") == 0)
        return export_download(d, c, &l, &s);
    if (strcmp(url, "/dash/when") == 0 || strcmp(url, "/dash/report") == 0)
        return report_page(d, c, &l, &s, url);
    return message_page(c, 405, &l, T_NOTFOUND); /* GET /dash/logout */
}

enum MHD_Result coll_dash_handle(coll_dash *d, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *upload, size_t *upload_size,
                                 void **state)
{
    dash_req *r = *state;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        *state = r;
        r->d = d;
        r->c = c;
        client_address(c, r->addr, sizeof r->addr);
        if (d->behind_proxy)
            forwarded_address(c, r->addr, sizeof r->addr);
        /* Plain HTTP only on loopback, unless a TLS proxy in front says it is HTTPS outside. */
        if (!d->tls && !d->behind_proxy && !loopback(r->addr)) {
            r->st = REQ_ANSWERED;
            ui_lang l = pick_lang(c, NULL);
            return message_page(c, 403, &l, T_PLAIN);
        }
        if (strcmp(method, "POST") == 0) {
            if (strcmp(url, "/dash/admin/publish") == 0 && !upload_start(d, c, r)) {
                r->st = REQ_ANSWERED;
                ui_lang l = pick_lang(c, NULL);
                return message_page(c, 503, &l, T_BUSY);
            }
            r->pp = MHD_create_post_processor(c, 4096, form_field, r);
            if (!r->pp) {
                r->st = REQ_ANSWERED;
                ui_lang l = pick_lang(c, NULL);
                return message_page(c, 415, &l, T_FORGED);
            }
        } else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
            r->st = REQ_ANSWERED;
            ui_lang l = pick_lang(c, NULL);
            return message_page(c, 405, &l, T_NOTFOUND);
        }
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (r->st == REQ_ANSWERED || r->too_big)
            return MHD_YES;
        r->body += n;
        if (r->body > (r->up ? (size_t)COLL_PUBUP_MAX_BODY : DASH_MAX_BODY))
            r->too_big = true;
        else if (r->pp && MHD_post_process(r->pp, upload, n) != MHD_YES)
            r->too_big = true;
        return MHD_YES;
    }
    if (r->st == REQ_ANSWERED)
        return MHD_YES;
    if (r->st == REQ_HASHED) {
        r->st = REQ_ANSWERED;
        ui_lang l = pick_lang(c, r->lang);
        return r->job == JOB_SIGNIN ? signin_done(d, c, r, &l) : users_done(d, c, r, &l);
    }
    if (r->st == REQ_HASHING)
        return MHD_YES; /* resumed only when the hash is done */
    enum MHD_Result ret = route(d, c, url, method, r);
    /* r->st is the hashing thread's once it started (it may be done already: a form refused
     * before any hashing, a short password, answers at once) */
    if (!r->job_started)
        r->st = REQ_ANSWERED;
    return ret;
}

void coll_dash_completed(void *state)
{
    dash_req *r = state;
    if (!r)
        return;
    if (r->pp)
        MHD_destroy_post_processor(r->pp);
    coll_pubup_free(r->up);
    sodium_memzero(r->password, sizeof r->password);
    free(r);
}

int coll_dash_new(coll_db *db, const coll_dash_opts *o, bool tls, coll_dash **out, char *err,
                  size_t errlen)
{
    *out = NULL;
    coll_dash *d = calloc(1, sizeof *d);
    if (!d) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    d->db = db;
    d->k = o->k >= COLL_DASH_K_MIN ? o->k : COLL_DASH_K_DEFAULT;
    d->idle_ms = o->idle_ms > 0 ? o->idle_ms : COLL_DASH_IDLE_MIN * 60000LL;
    d->silent_ms = o->silent_ms > 0 ? o->silent_ms : COLL_DASH_SILENT_MIN * 60000LL;
    d->tls = tls;
    d->behind_proxy = o->behind_tls_proxy;
    d->results_from_responses = o->results_from_responses;
    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->idle, NULL);
    if (o->signin_hold && !(d->hold = strdup(o->signin_hold))) {
        wp_errf(err, errlen, "out of memory");
        coll_dash_free(d);
        return -1;
    }
    if (coll_results_sets_load(o->qsets, o->nqsets, &d->sets, err, errlen) != 0) {
        coll_dash_free(d);
        return -1;
    }
    *out = d;
    return 0;
}

void coll_dash_drain(coll_dash *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->mu);
    d->draining = true;
    while (d->hashing > 0)
        pthread_cond_wait(&d->idle, &d->mu);
    pthread_mutex_unlock(&d->mu);
}

void coll_dash_free(coll_dash *d)
{
    if (!d)
        return;
    pthread_mutex_destroy(&d->mu);
    pthread_cond_destroy(&d->idle);
    coll_results_sets_free(d->sets);
    free(d->hold);
    free(d);
}
