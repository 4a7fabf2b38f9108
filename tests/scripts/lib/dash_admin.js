// The dashboard's administration pages in a real browser (Debian's chromium, headless, driven
// by puppeteer-core): a viewer refused (403), an administrator adding a device (its token shown
// once), rotating and revoking tokens, adding a user and setting a password (hashed off the
// event loop), the conflicts and settings pages; axe-core on every page, screenshots in OUTDIR.
// usage: NODE_PATH=.../node_modules node dash_admin.js URL OUTDIR
'use strict';
const puppeteer = require('puppeteer-core');
const fs = require('fs');
const path = require('path');

const [url, outdir] = process.argv.slice(2);
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

// Submits the form holding selector (a button), waits for the answer.
async function submit(page, selector) {
    const [resp] = await Promise.all([page.waitForNavigation({waitUntil: 'load'}),
                                      page.click(selector)]);
    return resp;
}

async function main() {
    const browser = await puppeteer.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage',
               '--proxy-server=direct://', '--proxy-bypass-list=*'],
    });
    try {
        // a viewer: no administration in the menu, 403 on its pages
        const v = await newPage(browser);
        await signIn(v, 'vera', 'viewer password 2');
        check('viewer signed in', v.url().endsWith('/dash/kiosks'), v.url());
        check('viewer: no administration in the menu', (await v.$('a[href^="/dash/admin/"]')) === null);
        for (const p of ['devices', 'users', 'conflicts', 'settings', 'publish']) {
            const r = await v.goto(`${url}/dash/admin/${p}`, {waitUntil: 'load'});
            check(`viewer: /dash/admin/${p} refused (403)`, r.status() === 403);
        }
        await axe(v, 'admin-refused');

        const page = await newPage(browser);
        await signIn(page, 'anna', 'correct horse battery');
        check('admin signed in', page.url().endsWith('/dash/kiosks'), page.url());
        const links = await page.$$eval('nav a[href^="/dash/admin/"]', a => a.length);
        check('admin: five administration pages in the menu (publishing too)', links === 5, String(links));

        // devices: add (the token once), rotate, revoke
        await page.goto(url + '/dash/admin/devices', {waitUntil: 'load'});
        await axe(page, 'admin-devices');
        await page.type('#dev-name', 'p7');
        await page.type('#dev-loc', 'pottenberg');
        let r = await submit(page, '#add-device');
        check('add a device: 200', r.status() === 200);
        const token = await page.$eval('#token', e => e.textContent).catch(() => '');
        check('... its token is shown', /^[0-9a-f]{64}$/.test(token), token);
        await axe(page, 'admin-device-added');
        await page.goto(url + '/dash/admin/devices', {waitUntil: 'load'});
        check('... and only once', !(await page.content()).includes(token));
        const rowButton = async (name, text) => {
            const rows = await page.$$('tbody tr');
            for (const row of rows) {
                const th = await row.$eval('th', e => e.textContent);
                if (th !== name) continue;
                for (const b of await row.$$('button')) {
                    if ((await b.evaluate(e => e.textContent)).startsWith(text)) return b;
                }
            }
            return null;
        };
        let b = await rowButton('n2', 'Nieuw token');
        check('n2 has a "Nieuw token" button', b !== null);
        if (b) {
            await Promise.all([page.waitForNavigation({waitUntil: 'load'}), b.click()]);
            const t2 = await page.$eval('#token', e => e.textContent).catch(() => '');
            check('rotate n2: a new token shown', /^[0-9a-f]{64}$/.test(t2), t2);
            await axe(page, 'admin-device-rotated');
        }
        b = await rowButton('p1', 'Intrekken');
        check('p1 has an "Intrekken" button', b !== null);
        if (b) {
            await Promise.all([page.waitForNavigation({waitUntil: 'load'}), b.click()]);
            check('revoke p1: a confirmation step first',
                  (await page.$eval('#confirm', e => e.textContent).catch(() => '')) ===
                      'Kiosk intrekken?');
            await axe(page, 'admin-device-revoke-confirm');
            await Promise.all([page.waitForNavigation({waitUntil: 'load'}), page.click('#revoke-yes')]);
            const state = await page.$$eval('tbody tr', rows => rows.filter(
                r => r.querySelector('th').textContent === 'p1').map(r => r.innerText).join(''));
            check('revoke p1: shown as revoked', state.includes('ingetrokken'), state);
        }

        // users: add one (the hashing off the event loop), give it a new password
        await page.goto(url + '/dash/admin/users', {waitUntil: 'load'});
        await axe(page, 'admin-users');
        await page.type('#new-user', 'wim');
        await page.select('#new-role', 'admin');
        await page.type('#new-pw', 'wim password 1');
        r = await submit(page, '#add-user');
        check('add a user: 200, done', r.status() === 200 &&
                                           (await page.$eval('#outcome', e => e.textContent)) === 'Gedaan.');
        check('... listed as admin', (await page.content()).includes('<th scope="row">wim</th><td>admin</td>'));
        await axe(page, 'admin-user-added');
        const idx = await page.$$eval('tbody tr th', t => t.map(e => e.textContent).indexOf('wim'));
        await page.type(`#pw-${idx}`, 'wim password 2');
        b = await rowButton('wim', 'Wachtwoord instellen');
        if (b) await Promise.all([page.waitForNavigation({waitUntil: 'load'}), b.click()]);
        check('set wim\'s password: done', b !== null &&
                  (await page.$eval('#outcome', e => e.textContent).catch(() => '')) === 'Gedaan.');
        const w = await newPage(browser);
        await signIn(w, 'wim', 'wim password 2');
        check('... wim signs in with it', w.url().endsWith('/dash/kiosks'), w.url());

        await page.goto(url + '/dash/admin/conflicts', {waitUntil: 'load'});
        await axe(page, 'admin-conflicts');
        await page.goto(url + '/dash/admin/settings', {waitUntil: 'load'});
        await axe(page, 'admin-settings');
        await page.$eval('#k', e => { e.value = ''; });
        await page.type('#k', '11');
        r = await submit(page, '#save');
        check('settings: k 11 saved', r.status() === 200 &&
                                          (await page.$eval('#outcome', e => e.textContent)) === 'Gedaan.');
        await axe(page, 'admin-settings-saved');
        await page.goto(url + '/dash/results?set=peil', {waitUntil: 'load'});
        check('... the results page hides below 11 now', (await page.content()).includes('Aantallen onder 11 worden nooit getoond'));
        await page.goto(url + '/dash/admin/devices?lang=en', {waitUntil: 'load'});
        await axe(page, 'admin-devices-en');
    } finally {
        await browser.close();
    }
    if (failures) {
        console.error(`${failures} browser checks failed`);
        process.exit(1);
    }
    console.log('dash_admin: all checks passed');
}
main().catch(e => {
    console.error(`FAIL: ${e.stack || e}`);
    process.exit(1);
});
