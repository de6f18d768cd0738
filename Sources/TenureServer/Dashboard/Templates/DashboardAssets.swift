/// The dashboard's stylesheet, script and icon: hand-written, served from the binary, no external
/// assets.
enum DashboardAssets {
    static let css = """
        :root { --fg: #1d2330; --muted: #5b6476; --line: #d9dee8; --bg: #f6f7fa; --card: #fff; --accent: #0072B2; --bad: #b3261e; --good: #1b7f3b; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
        a { color: var(--accent); }
        code { font-size: 0.92em; background: #eef1f6; padding: 0 4px; border-radius: 3px; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        header.top { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; padding: 10px 16px; background: #1d2330; color: #fff; }
        header.top a { color: #fff; text-decoration: none; }
        .brand { font-weight: 700; font-size: 1.1em; }
        nav ul { display: flex; flex-wrap: wrap; gap: 4px; list-style: none; margin: 0; padding: 0; }
        nav a { display: block; padding: 4px 10px; border-radius: 4px; }
        nav a[aria-current="page"], nav a:hover { background: rgba(255,255,255,0.16); }
        form.search { display: flex; gap: 4px; margin-left: auto; }
        form.search input { width: 14em; max-width: 50vw; }
        form.logout button { background: transparent; color: #fff; border-color: rgba(255,255,255,0.4); }
        input, select, button, .button { font: inherit; padding: 5px 8px; border: 1px solid var(--line); border-radius: 4px; background: #fff; color: var(--fg); }
        button, .button { cursor: pointer; background: var(--accent); color: #fff; border-color: var(--accent); text-decoration: none; display: inline-block; }
        main { max-width: 1200px; margin: 0 auto; padding: 16px; }
        h1 { margin: 8px 0 4px; font-size: 1.6em; }
        h2 { font-size: 1.15em; margin: 24px 0 8px; }
        .subtitle, .note, .kpi-note { color: var(--muted); }
        .alert { background: #fdecea; border: 1px solid #f5c2c0; color: var(--bad); padding: 8px 12px; border-radius: 4px; }
        .kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; }
        .kpi, .card, .chart-box { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; margin: 0; }
        .kpi h2 { font-size: 0.9em; font-weight: 600; color: var(--muted); margin: 0; }
        .kpi-value { font-size: 1.7em; font-weight: 700; margin: 2px 0; }
        .kpi-change { margin: 0; font-size: 0.9em; }
        .kpi-change.up-good, .kpi-change.down-good { color: var(--good); }
        .kpi-change.up-bad, .kpi-change.down-bad { color: var(--bad); }
        .kpi-note { font-size: 0.82em; margin: 4px 0 0; }
        .spark { width: 120px; height: 32px; display: block; }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 460px), 1fr)); gap: 12px; margin-top: 16px; }
        .chart-box figcaption { font-weight: 600; margin-bottom: 4px; }
        svg.chart { width: 100%; height: auto; display: block; }
        svg.chart text { font: 11px system-ui, sans-serif; fill: #3a4252; }
        svg.chart .axis-label { font-weight: 600; }
        svg.chart .grid { stroke: #e6e9ef; }
        svg.chart .axis, svg.chart .zero { stroke: #8a93a6; }
        .legend { display: flex; flex-wrap: wrap; gap: 4px 14px; list-style: none; padding: 0; margin: 6px 0; font-size: 0.88em; }
        details summary { cursor: pointer; color: var(--muted); font-size: 0.88em; }
        .scroll { overflow-x: auto; max-width: 100%; }
        table { border-collapse: collapse; background: var(--card); font-size: 0.9em; }
        th, td { padding: 4px 8px; border: 1px solid var(--line); text-align: left; vertical-align: top; }
        td.num, th[data-type="number"] { text-align: right; font-variant-numeric: tabular-nums; }
        caption { text-align: left; color: var(--muted); padding: 4px 0; caption-side: top; }
        table.sortable th button { all: unset; cursor: pointer; font-weight: 600; }
        table.sortable th button::after { content: " ↕"; color: var(--muted); }
        .controls { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: end; margin: 8px 0 12px; }
        .heatmap td { text-align: right; min-width: 3.2em; font-variant-numeric: tabular-nums; }
        .heatmap td.incomplete { font-style: italic; opacity: 0.8; }
        .h0 { background: #f7fbff; } .h1 { background: #e3eef9; } .h2 { background: #cfe1f2; } .h3 { background: #b5d4e9; }
        .h4 { background: #93c3df; } .h5 { background: #6daed5; } .h6 { background: #4b97c9; color: #fff; } .h7 { background: #2f7ebc; color: #fff; }
        .h8 { background: #1864aa; color: #fff; } .h9 { background: #0a4a90; color: #fff; } .h10 { background: #08306b; color: #fff; }
        .legend-scale span { display: inline-block; width: 18px; border: 1px solid var(--line); }
        .incomplete-key { font-style: italic; width: auto !important; border: 0 !important; }
        table.rfm td { width: 19%; min-width: 6.5em; height: 4.5em; }
        table.rfm td span { display: block; }
        table.rfm .seg { font-weight: 600; font-size: 0.85em; }
        table.rfm .count { font-size: 1.2em; }
        table.rfm .spend { font-size: 0.8em; }
        .m0 { background: #fff7ec; } .m1 { background: #fee8c8; } .m2 { background: #fdd49e; } .m3 { background: #fdbb84; } .m4 { background: #fc8d59; }
        .m5 { background: #ef6548; color: #fff; } .m6 { background: #d7301f; color: #fff; } .m7 { background: #990000; color: #fff; }
        td.diagonal { font-weight: 700; background: #eef4fb; }
        .facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; margin: 0; }
        .facts dt, .traits dt { color: var(--muted); font-size: 0.85em; }
        .facts dd, .traits dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
        .traits { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 6px; }
        .profile, .login-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 320px), 1fr)); gap: 12px; }
        .login-grid form { display: flex; flex-direction: column; gap: 6px; }
        .timeline { list-style: none; padding: 0; margin: 0; }
        .timeline li { padding: 6px 0; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
        .timeline time { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: 6px; }
        .badge { display: inline-block; font-size: 0.78em; padding: 1px 6px; border-radius: 10px; background: #e6e9ef; }
        .ev.order .badge { background: #d6ecdf; } .ev.subscription .badge { background: #dbe8f7; }
        .ev.feedback .badge { background: #fbefd5; } .ev.complaint .badge { background: #f8d9d7; }
        .detail { color: var(--muted); }
        .editor-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); gap: 12px; align-items: start; }
        form.editor { display: flex; flex-direction: column; gap: 6px; }
        form.editor textarea { font: 14px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; padding: 6px 8px; border: 1px solid var(--line); border-radius: 4px; width: 100%; }
        form.editor textarea[aria-invalid="true"] { border-color: var(--bad); }
        form.editor input[readonly] { background: #eef1f6; }
        .expr-error .alert { margin: 0; }
        .expr-context { margin: 4px 0 0; padding: 4px 8px; background: #fff; border: 1px solid var(--line); border-radius: 4px; overflow-x: auto; font-size: 0.9em; }
        .expr-context mark { background: #f8d9d7; color: var(--bad); text-decoration: underline wavy var(--bad); }
        .preview-count { font-size: 1.3em; font-weight: 700; margin: 4px 0; }
        .sample { padding-left: 1.2em; margin: 4px 0; }
        .buttons { margin: 8px 0 0; }
        .button.secondary { background: #fff; color: var(--accent); }
        table.rfm a.cell-link { display: block; color: inherit; text-decoration: none; height: 100%; }
        table.rfm a.cell-link:hover .seg, table.rfm a.cell-link:focus .seg { text-decoration: underline; }
        td.trend .spark { display: inline-block; vertical-align: middle; margin-right: 6px; }
        td.trend .trend-text { font-size: 0.82em; color: var(--muted); }
        code.definition { white-space: pre-wrap; overflow-wrap: anywhere; }
        .status { display: inline-block; font-size: 0.85em; font-weight: 600; padding: 1px 8px; border-radius: 10px; background: #e6e9ef; }
        .status-active { background: #d6ecdf; color: var(--good); } .status-paused { background: #fbefd5; color: #7a4d00; } .status-archived { background: #e6e9ef; color: var(--muted); }
        td.uplift .interval { font-size: 0.82em; color: var(--muted); }
        td.uplift .significance { font-size: 0.82em; color: var(--muted); } td.uplift .significance.significant { color: var(--good); font-weight: 600; }
        .empty-state { max-width: 720px; }
        .journey-head { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin: 4px 0 12px; }
        .journey-status { margin: 0; }
        .journey-actions { display: flex; gap: 8px; }
        .journey-actions form { margin: 0; }
        .journey-actions button.secondary { background: #fff; color: var(--accent); }
        .journey-actions-note { margin: 0; font-size: 0.85em; flex-basis: 100%; }
        .card > h2:first-child { margin-top: 0; }
        .facts.rules { grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); }
        .rules dd { font-weight: 400; }
        .journey-figures { margin-top: 12px; }
        .flow-box { overflow-x: auto; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
        svg.flow { display: block; margin: 0 auto; max-width: none; }
        svg.flow text { font: 12px system-ui, sans-serif; fill: #1d2330; }
        svg.flow .node rect { fill: #fff; stroke: #8a93a6; stroke-width: 1.5; }
        svg.flow .node .line0 { font-weight: 600; }
        svg.flow .node .line1 { fill: #5b6476; font-size: 11px; }
        svg.flow .node .line2 { font-variant-numeric: tabular-nums; }
        svg.flow .node.send rect { stroke: #0072B2; stroke-width: 2; } svg.flow .node.wait rect { stroke: #E69F00; stroke-width: 2; }
        svg.flow .node.branch rect, svg.flow .node.split rect { stroke: #CC79A7; stroke-width: 2; }
        svg.flow .node.update_traits rect, svg.flow .node.webhook rect { stroke: #009E73; stroke-width: 2; }
        svg.flow .node.entry rect, svg.flow .node.end rect { fill: #eef1f6; }
        svg.flow .edge { fill: none; stroke: #8a93a6; stroke-width: 1.5; }
        svg.flow .edge.loop { stroke-dasharray: 5 4; }
        svg.flow .arrow-head { fill: #8a93a6; }
        svg.flow .edge-label { font-size: 11px; fill: #3a4252; paint-order: stroke; stroke: #fff; stroke-width: 4px; stroke-linejoin: round; }
        .flow-steps { margin: 8px 0; padding-left: 1.6em; }
        .flow-steps > li { padding: 4px 0; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
        .flow-steps .step-counts { font-size: 0.88em; font-variant-numeric: tabular-nums; }
        .flow-steps .paths { margin: 2px 0 0; padding-left: 1.2em; font-size: 0.88em; }
        .path-label { color: var(--muted); }
        svg.chart .control-level { stroke: #3a4252; stroke-dasharray: 4 3; }
        svg.chart .whisker line { stroke: #1d2330; stroke-width: 1.5; }
        svg.chart .sig-mark { font-size: 14px; fill: var(--good); }
        [hidden] { display: none !important; }
        .foot { text-align: center; color: var(--muted); font-size: 0.82em; padding: 24px 8px; }
        @media (max-width: 600px) {
          main { padding: 10px; }
          form.search { margin-left: 0; width: 100%; }
          form.search input { flex: 1; max-width: none; }
          .kpis { grid-template-columns: 1fr 1fr; }
          .kpi-value { font-size: 1.3em; }
          h1 { font-size: 1.35em; }
        }
        """

    /// Progressive enhancement only: sortable tables and the segment editor's live preview. Every
    /// page works without it.
    static let js = """
        "use strict";
        document.addEventListener("DOMContentLoaded", function () {
          document.querySelectorAll("table.sortable").forEach(function (table) {
            var headers = table.tHead ? table.tHead.rows[0].cells : [];
            Array.prototype.forEach.call(headers, function (th, column) {
              var button = document.createElement("button");
              button.type = "button";
              button.textContent = th.textContent;
              th.textContent = "";
              th.appendChild(button);
              th.setAttribute("aria-sort", "none");
              button.addEventListener("click", function () {
                var ascending = th.getAttribute("aria-sort") !== "ascending";
                Array.prototype.forEach.call(headers, function (h) { h.setAttribute("aria-sort", "none"); });
                th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
                var body = table.tBodies[0];
                var rows = Array.prototype.slice.call(body.rows);
                function key(row) {
                  var cell = row.cells[column];
                  if (!cell) { return ""; }
                  var raw = cell.getAttribute("data-sort");
                  if (raw !== null && raw !== "" && !isNaN(Number(raw))) { return Number(raw); }
                  var text = cell.textContent.trim();
                  var number = Number(text.replace(/[,%]/g, ""));
                  return text !== "" && !isNaN(number) ? number : text.toLowerCase();
                }
                rows.sort(function (a, b) {
                  var x = key(a), y = key(b);
                  var order = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y));
                  return ascending ? order : -order;
                });
                rows.forEach(function (row) { body.appendChild(row); });
              });
            });
          });
        });
        // The segment editor: while the expression is typed, ask the server (debounced) for its
        // count and a sample of members, or for its error, and show it in place. Saving is a plain
        // form post, which the server validates again.
        document.addEventListener("DOMContentLoaded", function () {
          var form = document.getElementById("segment-editor");
          if (!form) { return; }
          var input = document.getElementById("segment-where");
          var errorBox = document.getElementById("where-error");
          var count = document.getElementById("preview-count");
          var note = document.getElementById("preview-note");
          var sample = document.getElementById("preview-sample");
          var timer = null, sent = 0, shown = 0;
          function element(tag, className, text) {
            var e = document.createElement(tag);
            if (className) { e.className = className; }
            if (text !== undefined) { e.textContent = text; }
            return e;
          }
          function showError(error) {
            errorBox.textContent = "";
            var p = element("p", "alert");
            p.appendChild(element("span", "error-message", error.message));
            if (error.position) { p.appendChild(document.createTextNode(" ")); p.appendChild(element("span", "error-position", "(" + error.position + ")")); }
            errorBox.appendChild(p);
            if (error.position) {
              var pre = element("pre", "expr-context");
              pre.setAttribute("aria-hidden", "true");
              pre.appendChild(element("span", "before", error.before));
              pre.appendChild(element("mark", null, error.at));
              pre.appendChild(element("span", "after", error.after));
              errorBox.appendChild(pre);
            }
            errorBox.hidden = false;
            input.setAttribute("aria-invalid", "true");
            count.removeAttribute("data-count");
            count.textContent = "No count while the expression has an error.";
            note.hidden = true;
            sample.textContent = "";
          }
          function showPreview(preview) {
            errorBox.hidden = true;
            errorBox.textContent = "";
            input.removeAttribute("aria-invalid");
            count.setAttribute("data-count", String(preview.count));
            count.setAttribute("data-customers", String(preview.customers));
            count.textContent = preview.countText;
            note.textContent = preview.note || "";
            note.hidden = !preview.note;
            sample.textContent = "";
            preview.sample.forEach(function (member) {
              var li = element("li");
              li.setAttribute("data-user", member.userId || "");
              var a = element("a", null, member.name);
              a.href = member.link;
              li.appendChild(a);
              sample.appendChild(li);
            });
          }
          function refresh() {
            var number = ++sent;
            if (input.value.trim() === "") {
              shown = number;
              errorBox.hidden = true;
              input.removeAttribute("aria-invalid");
              count.removeAttribute("data-count");
              count.textContent = "Type an expression to see who it selects.";
              sample.textContent = "";
              return;
            }
            count.setAttribute("aria-busy", "true");
            var body = new URLSearchParams();
            body.set("csrf", form.elements["csrf"].value);
            body.set("original", form.elements["original"].value);
            body.set("where", input.value);
            fetch(form.getAttribute("data-preview"), { method: "POST", body: body, credentials: "same-origin" })
              .then(function (response) { return response.json(); })
              .then(function (answer) {
                if (number < shown) { return; }  // an older answer arriving after a newer one
                shown = number;
                if (answer.ok) { showPreview(answer.preview); } else { showError(answer.error); }
              })
              .catch(function () { if (number >= shown) { count.textContent = "The count could not be fetched; it is checked again when you save."; } })
              .then(function () { if (number === sent) { count.removeAttribute("aria-busy"); } });
          }
          input.addEventListener("input", function () {
            clearTimeout(timer);
            timer = setTimeout(refresh, 300);
          });
          if (input.value.trim() !== "" && !count.hasAttribute("data-count") && errorBox.hidden) { refresh(); }
        });
        """

    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0072B2"/><path d="M7 22 L13 14 L18 18 L25 9" fill="none" stroke="#fff" stroke-width="3"/></svg>
        """
}
