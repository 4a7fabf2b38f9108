// Publishing from the dashboard in a real browser (Debian's chromium, headless, driven by
// puppeteer-core), in two steps around a real kiosk's sync (collector_publish_browser.sh):
//   upload  a viewer refused (403); an administrator uploads a set changed after signing (refused
//           with the reason naming the file), a settings document kiosks would refuse (each
//           problem in Dutch with its line), then the good set, its .sig and its clips (published:
//           its id written to IDFILE and listed); a forged CSRF token refused (403)
//   report  the page shows what the kiosk's heartbeat says of it (active, over the network); the
//           Withdraw button asks first (what happens, to which kiosks): Cancel changes nothing,
//           Withdraw then withdraws it
// axe-core on every page; keyboard: every input reachable with Tab and its focus visible.
// usage: NODE_PATH=.../node_modules node publish_browser.js URL OUTDIR SETDIR upload|report IDFILE
'use strict';
const puppeteer = require('puppeteer-core');
const fs = require('fs');
const path = require('path');

const [url, outdir, setdir, step, idfile] = process.argv.slice(2);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
let failures = 0;
function check(what, ok, detail) {
    if (ok) console.log(`ok   ${what}`);
    else {
        console.error(`FAIL: ${what}${detail ? `: ${detail}` : ''}`);
        failures++;
    }
}

async function axe(page, name) {
    await page.evaluate(axeSource);
    const r = await page.evaluate(() =>
        axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa',
                                            'best-practice']},
        }));
    const v = r.violations.map(x => `${x.id} (${x.nodes.length}): ${x.nodes[0].html}`);
    check(`axe: no violations on ${name}`, v.length === 0, v.join('; '));
    await page.screenshot({path: path.join(outdir, `${name}.png`), fullPage: true});
}

// Presses Tab (at most max times) until every element of ids (by id) had the focus, each
// showing it.
async function tabReaches(page, ids, max, what) {
    const reached = new Set();
    for (let i = 0; i < max && reached.size < ids.length; i++) {
        await page.keyboard.press('Tab');
        const f = await page.evaluate(() => {
            const e = document.activeElement;
            const s = getComputedStyle(e);
            return {id: e.id, visible: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0};
        });
        if (ids.includes(f.id)) {
            check(`keyboard: #${f.id} shows its focus`, f.visible, JSON.stringify(f));
            reached.add(f.id);
        }
    }
    check(`keyboard: Tab reaches ${what}`, reached.size === ids.length,
          ids.filter(w => !reached.has(w)).join(' '));
}

async function newPage(browser) {
    const ctx = await browser.createBrowserContext();
    const page = await ctx.newPage();
    await page.setBypassCSP(true); // for axe only: the dashboard's own pages run no script
    await page.setExtraHTTPHeaders({'Accept-Language': 'nl-NL,nl;q=0.9,en;q=0.5'});
    await page.setViewport({width: 1280, height: 900});
    return page;
}

async function signIn(page, user, password) {
    await page.goto(url + '/dash/login', {waitUntil: 'load'});
    await page.type('#user', user);
    await page.type('#password', password);
    await Promise.all([page.waitForNavigation({waitUntil: 'load'}),
                       page.click('main button[type=submit]')]);
}

async function submit(page, selector) {
    const [resp] = await Promise.all([page.waitForNavigation({waitUntil: 'load'}),
                                      page.click(selector)]);
    return resp;
}

// Fills the upload form with the files of dir and the location; the page is on the form.
async function fill(page, dir) {
    await (await page.$('#set')).uploadFile(path.join(dir, 'spring.json'));
    await (await page.$('#sig')).uploadFile(path.join(dir, 'spring.json.sig'));
    await (await page.$('#media')).uploadFile(path.join(dir, 'clips', 'welkom-nl.wav'),
                                              path.join(dir, 'clips', 'q1-nl.wav'));
    await page.select('#location', 'nazareth');
}

async function upload(browser) {
    const v = await newPage(browser);
    await signIn(v, 'vera', 'viewer password 2');
    const vr = await v.goto(`${url}/dash/admin/publish`, {waitUntil: 'load'});
    check('viewer: /dash/admin/publish refused (403)', vr.status() === 403);
    check('viewer: no publishing in the menu',
          (await v.$('a[href^="/dash/admin/publish"]')) === null);

    const page = await newPage(browser);
    await signIn(page, 'anna', 'correct horse battery');
    check('admin signed in', page.url().endsWith('/dash/kiosks'), page.url());
    await Promise.all([page.waitForNavigation({waitUntil: 'load'}),
                       page.click('nav a[href^="/dash/admin/publish"]')]);
    check('admin: publishing in the menu', page.url().includes('/dash/admin/publish'), page.url());
    await axe(page, 'publish');

    // keyboard: Tab reaches every field of the form, each with a visible focus
    await tabReaches(page, ['set', 'sig', 'media', 'location', 'devices', 'from', 'until', 'force',
                            'publish'], 40, 'every field');
    const unlabelled = await page.$$eval('form input:not([type=hidden]), form select',
                                         els => els.filter(e => !e.labels || !e.labels.length)
                                                    .map(e => e.id || e.name));
    check('every field has a label', unlabelled.length === 0, unlabelled.join(' '));

    // a set changed after signing: refused, the reason names the file
    await fill(page, path.join(setdir, 'changed'));
    let r = await submit(page, '#publish');
    const why = await page.$eval('#outcome', e => e.innerText).catch(() => '');
    check('changed after signing: refused with the reason', r.status() === 200 &&
              why.includes('Verkeerde handtekening: spring.json is na het ondertekenen gewijzigd'),
          why);
    check('... nothing published', (await page.$('#published')) === null);
    await axe(page, 'publish-refused');

    // a settings document kiosks would refuse: every problem in Dutch, with its line
    await (await page.$('#set')).uploadFile(path.join(setdir, 'settings', 'hours.conf'));
    await (await page.$('#sig')).uploadFile(path.join(setdir, 'settings', 'hours.conf.sig'));
    await page.select('#location', 'nazareth');
    r = await submit(page, '#publish');
    const problems = await page.$$eval('#problems li', els => els.map(e => e.innerText));
    check('settings refused: each problem in Dutch with its line',
          r.status() === 200 && problems.length === 2 &&
              problems[0].startsWith('hours.conf, regel 3: endpoint mag niet op afstand worden ' +
                                      'gewijzigd (alleen: ') &&
              problems[1] === "hours.conf, regel 4: onbekende instelling 'idel_seconds'",
          problems.join(' | '));
    check('... nothing published', (await page.$('#published')) === null);
    await axe(page, 'publish-settings-refused');

    // the good set
    await fill(page, path.join(setdir, 'spring'));
    r = await submit(page, '#publish');
    const id = await page.$eval('#published', e => e.textContent).catch(() => '');
    check('published', r.status() === 200 && /^[0-9a-f]{16}$/.test(id), id);
    const listed = await page.$$eval('tbody tr', rows => rows.map(e => e.innerText).join('\n'));
    check('... listed, active', listed.includes(id) && listed.includes('spring v3') &&
                                    listed.includes('actief'), listed);
    await axe(page, 'publish-done');
    fs.writeFileSync(idfile, id);

    // a forged CSRF token (the form's own token replaced): 403, nothing published
    await page.goto(url + '/dash/admin/publish', {waitUntil: 'load'});
    await fill(page, path.join(setdir, 'spring'));
    await page.$eval('form[enctype] input[name=csrf]', e => { e.value = '0'.repeat(e.value.length); });
    r = await submit(page, '#publish');
    check('forged CSRF token: 403', r.status() === 403);
    await page.goto(url + '/dash/admin/publish', {waitUntil: 'load'});
    const n = await page.$$eval('#publications + table tbody tr', rows => rows.length);
    check('... still one publication', n === 1, String(n));
}

async function report(browser) {
    const id = fs.readFileSync(idfile, 'utf8').trim();
    const page = await newPage(browser);
    await signIn(page, 'anna', 'correct horse battery');
    await page.goto(url + '/dash/admin/publish?lang=en', {waitUntil: 'load'});
    const row = await page.$$eval('#per-kiosk + table tbody tr', rows => rows.map(e => e.innerText));
    check('per kiosk: kiosk1 reports it active over the network',
          row.some(t => t.includes('kiosk1') && t.includes(id) &&
                        t.includes('active (over the network)')), row.join(' | '));
    await axe(page, 'publish-reported');
    const withdrawButton = '#publications + table tbody tr button';
    check('a Withdraw button', (await page.$(withdrawButton)) !== null);
    if (!(await page.$(withdrawButton)))
        return;
    // the first step asks: what happens, to which publication, where; nothing withdrawn yet
    let r = await submit(page, withdrawButton);
    const ask = await page.$eval('main', e => e.innerText).catch(() => '');
    check('Withdraw asks first', r.status() === 200 && (await page.$('#confirm')) !== null &&
              ask.includes('Withdraw the publication?'), ask);
    check('... naming the publication, its file and where it goes',
          ask.includes(id) && ask.includes('spring v3 (spring.json)') &&
              ask.includes('nazareth: every kiosk'), ask);
    check('... and what happens', ask.includes('The kiosks at nazareth return to the set they ' +
                                               'had before at their next sync.'), ask);
    await axe(page, 'publish-withdraw-confirm');
    // keyboard: Tab reaches the confirmation's two choices, each with a visible focus
    await tabReaches(page, ['withdraw-yes', 'withdraw-cancel'], 30, 'Withdraw and Cancel');
    // Cancel: back to the page, nothing changed
    r = await submit(page, '#withdraw-cancel');
    let listed = await page.$$eval('#publications + table tbody tr', r => r.map(e => e.innerText).join(''));
    check('Cancel: back, still active', r.status() === 200 && (await page.$('#confirm')) === null &&
              listed.includes(id) && !listed.includes('withdrawn') && listed.includes('active'),
          listed);
    // Withdraw again, and confirm
    await submit(page, withdrawButton);
    r = await submit(page, '#withdraw-yes');
    check('confirmed: withdrawn', r.status() === 200 &&
              (await page.$eval('#outcome', e => e.textContent)).startsWith('Withdrawn'));
    listed = await page.$$eval('#publications + table tbody tr', r => r.map(e => e.innerText).join(''));
    check('... listed as withdrawn', listed.includes('withdrawn'), listed);
    await axe(page, 'publish-withdrawn');
}

async function main() {
    const browser = await puppeteer.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage',
               '--proxy-server=direct://', '--proxy-bypass-list=*'],
    });
    try {
        await (step === 'upload' ? upload(browser) : report(browser));
    } finally {
        await browser.close();
    }
    if (failures) {
        console.error(`${failures} browser checks failed`);
        process.exit(1);
    }
    console.log(`publish_browser ${step}: all checks passed`);
}
main().catch(e => {
    console.error(`FAIL: ${e.stack || e}`);
    process.exit(1);
});
