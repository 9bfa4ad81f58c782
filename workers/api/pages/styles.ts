/** The site's one stylesheet: readable, high-contrast, phone-first, visible focus. */
export const STYLES = `
:root { --ink:#111; --muted:#555; --line:#ccc; --brand:#0b57d0; --bg:#fff; --soft:#f4f6fa;
  --available:#1a7f37; --held:#b35900; --sold:#8a8a8a; --blocked:#5b4a7a; --mine:#0b57d0; font-family: system-ui, sans-serif; color: var(--ink); }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; background: var(--bg); line-height: 1.45; }
a { color: var(--brand); }
:focus-visible { outline: 3px solid #ff9900; outline-offset: 2px; }
header.site { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; padding: .6rem 1rem; border-bottom: 1px solid var(--line); }
header.site .brand { font-weight: 700; font-size: 1.15rem; text-decoration: none; color: var(--ink); }
header.site nav { display: flex; gap: 1rem; flex-wrap: wrap; }
#account { margin-left: auto; display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
form.languages, form.languages > div { display: flex; gap: .25rem; align-items: center; margin: 0; }
form.languages [aria-current] { font-weight: 600; padding: .2rem .3rem; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .4rem 0 1rem; }
button, .button { font: inherit; padding: .5rem .9rem; border-radius: .4rem; border: 1px solid var(--brand); background: var(--brand); color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: #fff; color: var(--brand); }
button.link { background: none; border: none; color: var(--brand); text-decoration: underline; padding: .2rem .3rem; min-height: 24px; }
button:disabled { opacity: .5; cursor: not-allowed; }
input, select { font: inherit; padding: .45rem; border: 1px solid #888; border-radius: .35rem; max-width: 100%; }
label { display: flex; flex-direction: column; gap: .2rem; font-size: .9rem; }
form.search { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .6rem; align-items: end; background: var(--soft); padding: .8rem; border-radius: .5rem; }
.results { list-style: none; padding: 0; display: grid; gap: .6rem; }
.results > li { border: 1px solid var(--line); border-radius: .5rem; padding: .7rem .9rem; display: grid; gap: .2rem; }
.results > li > button { justify-self: start; }
.results h3, .results p { margin: 0; }
.event-image { display: block; width: 100%; height: auto; aspect-ratio: 16 / 9; object-fit: cover; background: var(--soft); border-radius: .4rem; }
.results > li.with-image { grid-template-columns: 7.5rem minmax(0, 1fr); grid-template-rows: auto auto 1fr; column-gap: .8rem; align-items: start; }
.results > li.with-image > .result-image { grid-row: 1 / span 3; }
@media (min-width: 40rem) { .results > li.with-image { grid-template-columns: 12rem minmax(0, 1fr); } }
.banner-image { max-height: min(22rem, 45vh); margin: 0 0 1rem; }
.image-panel .event-image { max-width: 24rem; }
.meta { color: var(--muted); font-size: .92rem; }
.badge { display: inline-block; font-size: .75rem; font-weight: 600; padding: .1rem .45rem; border-radius: 1rem; margin-left: .4rem; }
.badge.soldout { background: #eee; color: #333; }
.badge.few { background: #fff2d6; color: #7a4100; }
.notice { background: #fff8e1; border: 1px solid #e6c200; padding: .6rem .8rem; border-radius: .4rem; }
.error { background: #fdecea; border: 1px solid #d93025; padding: .6rem .8rem; border-radius: .4rem; }
.simulated { border: 2px dashed #b35900; background: #fff8f0; padding: .8rem; border-radius: .5rem; }
.layout-event { display: grid; gap: 1rem; grid-template-columns: minmax(0, 1fr); }
@media (min-width: 60rem) { .layout-event { grid-template-columns: minmax(0, 1fr) 20rem; } }
.panel { border: 1px solid var(--line); border-radius: .5rem; padding: .8rem; display: grid; gap: .6rem; align-content: start; }
.map-scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
.seatmap { width: 100%; height: auto; border: 1px solid var(--line); border-radius: .5rem; background: #fafafa; touch-action: manipulation; }
.seat { cursor: pointer; stroke: #fff; stroke-width: .08; }
.seat.s0 { fill: var(--available); } .seat.s1 { fill: var(--held); } .seat.s2 { fill: var(--sold); cursor: not-allowed; } .seat.s3 { fill: var(--blocked); cursor: not-allowed; }
.seat.mine { fill: var(--mine); stroke: #000; stroke-width: .15; }
.area { fill: var(--heat, #dfe9f7); stroke: var(--brand); stroke-width: .15; cursor: pointer; }
.area-label { fill: var(--ink); pointer-events: none; }
.venue-map { position: relative; }
.venue-map .seatmap { display: block; max-height: 68vh; min-height: min(320px, 60vh); touch-action: none; cursor: grab; }
.venue-map .seatmap:focus-visible { outline: 3px solid var(--brand); outline-offset: 2px; }
.venue-map .area { stroke: #fff; stroke-width: 1; stroke-linejoin: round; vector-effect: non-scaling-stroke; }
.venue-map .area:not(.open):hover, .venue-map .area:focus-visible { stroke: var(--ink); stroke-width: 2; outline: none; }
.venue-map .area.open { fill-opacity: .16; cursor: default; }
.venue-map .area-label { font-weight: 600; paint-order: stroke; stroke: rgba(255,255,255,.85); stroke-width: .18em; stroke-linejoin: round; }
.venue-map .stage rect { fill: #33415c; } .venue-map .stage text { fill: #fff; font-weight: 700; letter-spacing: .08em; text-transform: uppercase; }
.venue-map .mark { fill: var(--mine); stroke: #fff; stroke-width: 1; vector-effect: non-scaling-stroke; pointer-events: none; }
.map-tools { position: absolute; right: .5rem; top: .5rem; display: flex; flex-direction: column; gap: .3rem; }
.map-tools button { min-width: 2.75rem; min-height: 2.75rem; padding: 0; font-size: 1.3rem; line-height: 1; }
.heat-legend .dot { border-radius: .2rem; }
.venue-map .seat-icon { font-size: .62px; text-anchor: middle; dominant-baseline: central; fill: #fff; pointer-events: none; }
.venue-map .seat.companion { stroke: var(--ink); stroke-width: .12; stroke-dasharray: .2 .12; }
.venue-map .seatmap.accessible-only .seat:not(.wheelchair):not(.companion), .venue-map .seatmap.accessible-only .area:not(.has-accessible) { opacity: .25; }
.legend-icon { display: inline-block; width: .8rem; margin-right: .3rem; text-align: center; }
.companion-dot { border: 2px dashed var(--ink); background: var(--available); box-sizing: border-box; }
.venue-map + button, .venue-map ~ .legend { margin-top: .6rem; }
.legend { display: flex; flex-wrap: wrap; gap: .8rem; font-size: .9rem; list-style: none; padding: 0; margin: 0; }
.dot { display: inline-block; width: .8rem; height: .8rem; border-radius: 50%; vertical-align: middle; margin-right: .3rem; }
.countdown { font-size: 1.3rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.tickets { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); }
.ticket { border: 1px solid var(--line); border-radius: .5rem; padding: .8rem; text-align: center; }
.ticket img { width: 12rem; height: 12rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
fieldset { border: 1px solid var(--line); border-radius: .5rem; display: grid; gap: .5rem; }
button.danger { background: #b3261e; border-color: #b3261e; color: #fff; }
.actions, .inline-fields { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; }
label.check { flex-direction: row; align-items: center; gap: .4rem; }
.split-list { display: grid; grid-template-columns: 1fr auto; gap: .2rem 1rem; margin: .4rem 0; }
.split-list dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
.split-list dt:last-of-type, .split-list dd:last-of-type { font-weight: 600; border-top: 1px solid var(--line, #ccc); padding-top: .2rem; }
span.split { display: block; }
.code-field input { text-transform: uppercase; }
.dashboard { display: grid; grid-template-columns: minmax(0, 1fr); gap: 1rem; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .4rem 1rem; margin: 0; }
.figures dt { color: var(--muted); font-size: .85rem; }
.figures dd { margin: 0; font-size: 1.2rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.chart { margin: 0; }
.chart-box svg { width: 100%; height: auto; max-width: 48rem; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); }
form.refund, .confirm { display: grid; gap: .5rem; border-top: 1px dashed var(--line); padding-top: .5rem; }
ul.seats { margin: 0; padding-left: 1.2rem; }
progress { width: 100%; max-width: 30rem; }
textarea { font: inherit; padding: .45rem; border: 1px solid #888; border-radius: .35rem; width: 100%; }
.live-code { display: grid; justify-items: center; gap: .35rem; }
.ticket .live-code img { width: min(100%, 18rem); height: auto; aspect-ratio: 1; }
.live-bar { width: min(100%, 18rem); height: .45rem; background: #e4e8f0; border-radius: 1rem; overflow: hidden; }
.live-bar span { display: block; height: 100%; background: var(--brand); transition: width 1s linear; }
.live-status { margin: 0; font-variant-numeric: tabular-nums; }
.live-status::before { content: ""; display: inline-block; width: .6rem; height: .6rem; border-radius: 50%; background: var(--available); margin-right: .35rem; animation: live-pulse 1s ease-in-out infinite alternate; }
@keyframes live-pulse { from { opacity: .2; } to { opacity: 1; } }
.ticket.admitted, .ticket.void { background: var(--soft); }
.ticket-note { font-weight: 600; }
.door { display: grid; gap: 1rem; }
.verdict { border: 3px solid var(--line); border-radius: .6rem; padding: 1rem; text-align: center; min-height: 10rem; display: grid; align-content: center; gap: .25rem; }
.verdict p { margin: 0; }
.verdict-word { font-size: clamp(2.6rem, 15vw, 5.5rem); font-weight: 800; letter-spacing: .04em; line-height: 1.05; }
.verdict-seat { font-size: 1.4rem; font-weight: 600; }
.verdict-reason { font-size: 1.15rem; }
.verdict-meta { font-size: .9rem; }
.verdict.admit { background: #0f7b2e; border-color: #0a5c22; color: #fff; }
.verdict.reject { background: #b3261e; border-color: #7f1a15; color: #fff; }
.verdict.checking { background: var(--soft); }
.verdict.old { opacity: .7; }
.door-figures dd { font-size: 1.6rem; }
video.camera { width: 100%; max-height: 60vh; background: #000; border-radius: .5rem; }
label.gate { max-width: 24rem; }
.ops { display: grid; gap: 1rem; }
.ops-grid { display: grid; gap: 1rem; grid-template-columns: minmax(0, 1fr); }
@media (min-width: 64rem) { .ops-grid { grid-template-columns: repeat(2, minmax(0, 1fr)); } .ops-wide { grid-column: 1 / -1; } }
.ops-panel, .ops-audit { grid-template-columns: minmax(0, 1fr); }
.ops-panel h2, .ops-panel h3 { margin: 0; }
.ops-section-heading { margin: .5rem 0 0; }
.ops-big dd { font-size: clamp(1.8rem, 6vw, 2.6rem); font-weight: 700; line-height: 1.1; }
.ops-big dt { font-size: 1rem; color: var(--ink); }
.ops-conn { margin: 0; font-size: 1.1rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.ops-conn::before { content: ""; display: inline-block; width: .8rem; height: .8rem; border-radius: 50%; background: var(--sold); margin-right: .4rem; vertical-align: middle; }
.ops-conn.is-live::before { background: var(--available); animation: live-pulse 1s ease-in-out infinite alternate; }
.ops-conn.is-reconnecting { color: #7a4100; }
.ops-conn.is-reconnecting::before { background: var(--held); }
.ops-conn .meta { font-weight: 400; }
.ops-paused { background: #b3261e; color: #fff; border-radius: .5rem; padding: .8rem 1rem; }
.ops-paused h2 { margin: 0 0 .2rem; font-size: 1.5rem; }
.ops-paused p { margin: 0; font-size: 1.1rem; }
.ops-stale-note { display: none; margin: 0; }
.ops-panel.is-stale .ops-stale-note { display: block; background: #fff8e1; border: 1px solid #e6c200; padding: .3rem .5rem; border-radius: .3rem; }
.ops-panel.is-stale dd, .ops-panel.is-stale table, .ops-panel.is-stale .chart-box { opacity: .6; }
.ops-scroll { overflow-x: auto; }
.ops-bar-cell { width: 30%; min-width: 5rem; }
.ops-bar { display: flex; height: .9rem; border-radius: .2rem; overflow: hidden; background: #eee; }
.ops-bar > span { display: block; height: 100%; }
.ops-bar-available, .ops-swatch.s-holdsBooked { background: var(--available); }
.ops-bar-held { background: var(--held); } .ops-bar-sold { background: var(--sold); } .ops-bar-blocked { background: var(--blocked); }
.ops-chart { width: 100%; height: auto; }
.ops-chart .grid { stroke: #ddd; stroke-width: 1; }
.ops-chart .axis { font-size: 13px; fill: var(--muted); }
.ops-chart .line { stroke-width: 2.5; stroke-linejoin: round; }
.ops-chart .s-holdsCreated, .ops-chart .s-joined { stroke: var(--brand); }
.ops-chart .s-holdsBooked, .ops-chart .s-admitted { stroke: var(--available); stroke-dasharray: 8 3; }
.ops-chart .s-holdsReleased { stroke: var(--held); stroke-dasharray: 2 3; }
.ops-chart .s-holdsExpired { stroke: #b3261e; stroke-dasharray: 10 3 2 3; }
.ops-chart .s-waiting { stroke: var(--blocked); stroke-dasharray: 2 3; }
.ops-swatch { display: inline-block; width: 1.2rem; height: .3rem; vertical-align: middle; margin-right: .35rem; }
.ops-swatch.s-holdsCreated, .ops-swatch.s-joined { background: var(--brand); }
.ops-swatch.s-admitted { background: var(--available); }
.ops-swatch.s-holdsReleased { background: var(--held); }
.ops-swatch.s-holdsExpired { background: #b3261e; }
.ops-swatch.s-waiting { background: var(--blocked); }
.ops-legend { margin-bottom: .2rem; }
.ops-queue-form { display: grid; gap: .5rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 11rem), 1fr)); align-items: end; }
.ops-queue-form .ops-full { grid-column: 1 / -1; }
.ops-queue-form button { justify-self: start; }
#pause-form, #resume-form, #extend-form, #block-form { display: grid; gap: .5rem; }
#pause-form button, #resume-form button, #extend-form button, #block-form button { justify-self: start; }
.ops-change { font-size: .9rem; overflow-wrap: anywhere; }
.ops-audit code { font-size: .8rem; color: var(--muted); }
@media (max-width: 30rem) { .ops-wide-only { display: none; } #sections { font-size: .88rem; } #sections th, #sections td { padding: .3rem .25rem; } }
@media (prefers-reduced-motion: reduce) { .ops-conn.is-live::before { animation: none; } }
@media (prefers-reduced-motion: reduce) { .live-status::before { animation: none; } .live-bar span { transition: none; } }
`;
