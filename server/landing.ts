/** The page at `/`: what this server is, and a cone search to try at once. */
export function landingPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>skycube</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
 code,pre{background:#f4f4f4;padding:.1rem .3rem;border-radius:3px} pre{padding:.6rem;overflow:auto}
 input{width:7rem} table{border-collapse:collapse;margin-top:1rem} td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}
 .note{color:#a40}
</style></head><body>
<h1>skycube</h1>
<p>A GraphQL server for a HEALPix-indexed galaxy catalogue with five-band (u, g, r, i, z)
cutouts and optical spectra at any resolution, with uncertainties and masks.
Cutouts and spectra also download as FITS or PNG (<code>/cutouts/{id}.fits</code>,
<code>/spectra/{id}.png</code>, …). The GraphQL endpoint is
<code>POST /graphql</code> (JSON body; scripts must send <code>Content-Type: application/json</code>,
or the header <code>apollo-require-preflight: true</code> for GET requests — that is the CSRF protection).
Health: <a href="/healthz">/healthz</a>, readiness: <a href="/readyz">/readyz</a>.</p>
<p class="note">Rows with survey SYNTHETIC come from the demo generator: they are not real galaxies.</p>
<h2>Cone search</h2>
<form id="cone">
 RA <input name="ra" value="0.5"> Dec <input name="dec" value="0"> radius (deg) <input name="radius" value="1">
 <button>Search</button>
</form>
<div id="out"></div>
<h2>From a script</h2>
<pre>curl -s http://localhost:4000/graphql -H 'content-type: application/json' \\
  -d '{"query":"{ coneSearch(ra: 0.5, dec: 0, radius: 1, first: 5) { totalCount edges { node { id ra dec redshift distance sfr { avg flag } } } } }"}'</pre>
<script>
const form = document.getElementById('cone');
form.addEventListener('submit', (event) => { event.preventDefault(); search(); });
// Shareable searches: /?ra=…&dec=…&radius=… fills the form and runs it.
const params = new URLSearchParams(location.search);
if (params.has('ra') && params.has('dec')) {
  for (const name of ['ra', 'dec', 'radius']) if (params.has(name)) form.elements[name].value = params.get(name);
  search();
}
async function search() {
  history.replaceState(null, '', '?' + new URLSearchParams(new FormData(form)));
  const f = new FormData(form);
  const query = 'query($ra: Float!, $dec: Float!, $r: Float!) { coneSearch(ra: $ra, dec: $dec, radius: $r, first: 100) { totalCount edges { node { id survey ra dec redshift distance healpix(order: 12) hasImage hasSpectrum sfr { avg flag } } } } }';
  const variables = { ra: Number(f.get('ra')), dec: Number(f.get('dec')), r: Number(f.get('radius')) };
  const response = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const result = await response.json();
  const out = document.getElementById('out');
  if (result.errors) { out.textContent = result.errors.map(e => e.extensions.code + ': ' + e.message).join('\\n'); return; }
  const c = result.data.coneSearch;
  const rows = c.edges.map(({ node: g }) => '<tr><td>' + [g.id, g.survey, g.ra.toFixed(6), g.dec.toFixed(6), g.redshift?.toFixed(4),
    (g.distance * 3600).toFixed(2), g.healpix, g.sfr.avg?.toFixed(2), g.sfr.flag,
    g.hasImage ? '<a href="/cutouts/' + g.id + '.fits"><img src="/cutouts/' + g.id + '.png?zoom=1&annotate=0" width="64" height="64" alt="gri"></a>' : '',
    g.hasSpectrum ? '<a href="/spectra/' + g.id + '.png">plot</a> · <a href="/spectra/' + g.id + '.fits">FITS</a>' : ''].join('</td><td>') + '</td></tr>').join('');
  out.innerHTML = '<p>' + c.totalCount + ' galaxies (first 100 shown)</p><table><tr><th>id</th><th>survey</th><th>ra</th><th>dec</th><th>z</th><th>distance (arcsec)</th><th>HEALPix order 12</th><th>log SFR</th><th>flag</th><th>g r i</th><th>spectrum</th></tr>' + rows + '</table>';
}
</script>
</body></html>`;
}
