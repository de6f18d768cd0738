import Mustache

/// The dashboard's Mustache templates, compiled into the binary so `tenure serve` works from any
/// directory. `{{ }}` escapes for HTML; `{{{ }}}` is used only for SVG the chart code built and
/// escaped itself.
enum DashboardTemplates {
    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, text) in all { try library.register(text, named: name) }
        return library
    }

    static let all: [(String, String)] = [
        ("head", head), ("foot", foot), ("chart", chart), ("login", login), ("overview", overview), ("retention", retention),
        ("churn", churn), ("atRisk", atRisk), ("segments", segments), ("customers", customers), ("customer", customer),
        ("notFound", notFound), ("segmentEditor", segmentEditor),
    ] + JourneyTemplates.all

    static let head = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{#frame}}{{title}}{{/frame}} · Tenure</title>
        <link rel="stylesheet" href="/assets/dashboard.css">
        <link rel="icon" href="/favicon.ico" type="image/svg+xml">
        {{#frame}}{{#refresh}}<meta http-equiv="refresh" content="{{refresh}}">{{/refresh}}{{/frame}}
        <script src="/assets/dashboard.js" defer></script>
        </head>
        <body>
        {{#frame}}
        <header class="top">
        <a class="brand" href="/">Tenure</a>
        {{#signedIn}}
        <nav aria-label="Dashboard pages"><ul>{{#nav}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{name}}</a></li>{{/nav}}</ul></nav>
        <form class="search" method="get" action="/customers" role="search">
        <label for="q" class="visually-hidden">Find a customer by id or trait</label>
        <input id="q" name="q" type="search" placeholder="Customer id or trait" value="{{query}}" maxlength="200">
        <button type="submit">Find</button>
        </form>
        <form class="logout" method="post" action="/logout"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Sign out</button></form>
        {{/signedIn}}
        </header>
        <main id="main">
        <h1>{{title}}</h1>
        {{#subtitle}}<p class="subtitle">{{subtitle}}</p>{{/subtitle}}
        {{/frame}}
        """

    static let foot = """
        </main>
        <footer class="foot">Tenure · {{#frame}}{{dataNote}}{{/frame}}</footer>
        </body>
        </html>
        """

    static let chart = """
        <figure class="chart-box" id="{{id}}">
        <figcaption>{{title}}</figcaption>
        {{{svg}}}
        <ul class="legend">{{#legend}}<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="{{color}}"/></svg> {{name}}</li>{{/legend}}</ul>
        <details><summary>Numbers behind this chart</summary>
        {{#table}}<div class="scroll"><table class="data sortable"><thead><tr>{{#headers}}<th scope="col">{{.}}</th>{{/headers}}</tr></thead>
        <tbody>{{#rows}}<tr>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/rows}}</tbody></table></div>{{/table}}
        </details>
        </figure>
        """

    static let login = """
        {{> head}}
        {{#page}}
        {{#message}}<p class="alert" role="alert">{{message}}</p>{{/message}}
        <div class="login-grid">
        <form class="card" method="post" action="/login">
        <h2>Admin key</h2>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="next" value="{{next}}">
        <label for="key">Admin API key</label>
        <input id="key" name="key" type="password" autocomplete="off" required maxlength="200">
        <button type="submit">Sign in</button>
        </form>
        <form class="card" method="post" action="/login">
        <h2>User and password</h2>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="next" value="{{next}}">
        <label for="user">User</label>
        <input id="user" name="user" autocomplete="username" required maxlength="200">
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200">
        <button type="submit">Sign in</button>
        </form>
        </div>
        <p class="note">Create an admin key with <code>tenure keys create --scope admin</code> or a user with <code>tenure users create NAME</code>.</p>
        {{/page}}
        {{> foot}}
        """

    static let overview = """
        {{> head}}
        {{#page}}
        <section class="kpis" aria-label="Key figures">
        {{#kpis}}
        <article class="kpi">
        <h2>{{name}}</h2>
        <p class="kpi-value" data-kpi="{{key}}" data-value="{{raw}}">{{value}}</p>
        <p class="kpi-change {{trend}}">{{change}}</p>
        {{{spark}}}
        <p class="kpi-note">{{note}}</p>
        </article>
        {{/kpis}}
        </section>
        {{#scoring}}<p class="note" role="status">{{scoring}}</p>{{/scoring}}
        <div class="charts">
        {{#charts}}{{> chart}}{{/charts}}
        </div>
        {{/page}}
        {{> foot}}
        """

    static let retention = """
        {{> head}}
        {{#page}}
        <form class="controls" method="get" action="/retention">
        {{#controls}}
        <label>{{label}} <select name="{{name}}">{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{text}}</option>{{/options}}</select></label>
        {{/controls}}
        <button type="submit">Show</button>
        </form>
        <section>
        <h2>Cohort retention</h2>
        <p class="note">{{heatmapNote}}</p>
        <div class="scroll"><table class="heatmap" aria-describedby="heatmap-note">
        <caption id="heatmap-note">{{heatmapCaption}}</caption>
        <thead><tr><th scope="col">Cohort</th><th scope="col">Customers</th>{{#offsets}}<th scope="col">{{.}}</th>{{/offsets}}</tr></thead>
        <tbody>{{#cohorts}}<tr><th scope="row">{{label}}</th><td class="num">{{size}}</td>{{#cells}}<td class="h{{level}}{{#incomplete}} incomplete{{/incomplete}}" title="{{tip}}">{{text}}</td>{{/cells}}</tr>{{/cohorts}}</tbody>
        </table></div>
        <p class="legend-scale" aria-hidden="true">low <span class="h0">&nbsp;</span><span class="h2">&nbsp;</span><span class="h4">&nbsp;</span><span class="h6">&nbsp;</span><span class="h8">&nbsp;</span><span class="h10">&nbsp;</span> high · <span class="incomplete-key">italic</span>: period not over yet</p>
        </section>
        <div class="charts">
        {{#charts}}{{> chart}}{{/charts}}
        </div>
        {{/page}}
        {{> foot}}
        """

    static let churn = """
        {{> head}}
        {{#page}}
        <div class="charts">
        {{#charts}}{{> chart}}{{/charts}}
        </div>
        {{^hasReasons}}<p class="note">No exit feedback yet: cancellation reasons appear here when subscriptions are cancelled with a <code>reason</code>.</p>{{/hasReasons}}
        <section>
        <h2>Churn model backtest</h2>
        {{#backtestPending}}<p class="note" role="status">{{backtestPending}}</p>{{/backtestPending}}
        {{#backtest}}
        <p>{{explanation}}</p>
        <dl class="facts">
        <div><dt>ROC AUC</dt><dd data-metric="auc" data-value="{{aucRaw}}">{{auc}}</dd></div>
        <div><dt>Recency-only AUC</dt><dd>{{baselineAUC}}</dd></div>
        <div><dt>Lift in the top decile</dt><dd data-metric="lift" data-value="{{liftRaw}}">{{lift}}</dd></div>
        <div><dt>Brier score</dt><dd>{{brier}}</dd></div>
        <div><dt>Test customers</dt><dd>{{testCount}}</dd></div>
        </dl>
        <div class="charts">{{#charts}}{{> chart}}{{/charts}}</div>
        {{/backtest}}
        </section>
        {{/page}}
        {{> foot}}
        """

    static let atRisk = """
        {{> head}}
        {{#page}}
        {{#pending}}<p class="note" role="status">{{pending}}</p>{{/pending}}
        {{#ready}}
        <form class="controls" method="get" action="/at-risk">
        <label>Segment <select name="segment">{{#segments}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{text}}</option>{{/segments}}</select></label>
        <label>Rows <select name="limit">{{#limits}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{text}}</option>{{/limits}}</select></label>
        <button type="submit">Filter</button>
        <a class="button" href="{{csvLink}}" download>Export CSV</a>
        <a class="button secondary" id="at-risk-segment" href="{{segmentLink}}">Save as a segment</a>
        </form>
        <p class="note">{{summary}}</p>
        <div class="scroll"><table class="data sortable" id="at-risk-table">
        <caption>{{caption}}</caption>
        <thead><tr><th scope="col">#</th><th scope="col">Customer</th><th scope="col">Segment</th><th scope="col" data-type="number">Churn risk</th><th scope="col" data-type="number">P(alive)</th><th scope="col" data-type="number">Predicted CLV</th><th scope="col" data-type="number">Expected loss</th><th scope="col">Top reasons</th><th scope="col">Suggested action</th></tr></thead>
        <tbody>{{#rows}}<tr data-user="{{userId}}"><td class="num">{{rank}}</td><td><a href="{{link}}">{{name}}</a></td><td>{{segment}}</td><td class="num" data-sort="{{riskRaw}}">{{risk}}</td><td class="num" data-sort="{{aliveRaw}}">{{alive}}</td><td class="num" data-sort="{{clvRaw}}">{{clv}}</td><td class="num" data-sort="{{lossRaw}}" data-value="{{lossRaw}}">{{loss}}</td><td>{{reasons}}</td><td>{{action}}</td></tr>{{/rows}}</tbody>
        </table></div>
        {{^rows}}<p class="note">No customer in this segment is among the scored ones.</p>{{/rows}}
        {{/ready}}
        {{/page}}
        {{> foot}}
        """

    static let segments = """
        {{> head}}
        {{#page}}
        {{#saved}}{{#available}}
        <section id="saved-segments">
        <h2>Saved segments</h2>
        <p><a class="button" href="/segments/new">New segment</a></p>
        {{#hasRows}}
        <div class="scroll"><table class="data sortable" id="saved-segment-table">
        <caption>Members as last recorded by the live segment service; trend over the last 30 days</caption>
        <thead><tr><th scope="col">Segment</th><th scope="col">Definition</th><th scope="col" data-type="number">Members</th><th scope="col">Size trend</th><th scope="col">Updated</th><th scope="col">Actions</th></tr></thead>
        <tbody>{{#rows}}<tr data-segment-name="{{name}}"><td><a class="segment-name" href="{{editLink}}">{{name}}</a>{{#description}}<br><span class="note">{{description}}</span>{{/description}}</td><td><code class="definition">{{definition}}</code></td><td class="num members" data-sort="{{membersRaw}}" data-value="{{membersRaw}}">{{members}}</td><td class="trend">{{{spark}}}<span class="trend-text">{{trend}}</span></td><td>{{updated}}</td><td class="actions"><a href="{{editLink}}">View or edit</a> · <a class="export" href="{{exportLink}}" download>Export CSV</a></td></tr>{{/rows}}</tbody>
        </table></div>
        {{/hasRows}}
        {{^rows}}<p class="note">No saved segments yet. Start from a cell of the RFM grid below, or write an expression.</p>{{/rows}}
        </section>
        {{/available}}{{/saved}}
        {{^hasGrid}}<p class="note">{{gridNote}}</p>{{/hasGrid}}
        {{#hasGrid}}
        <section>
        <h2>RFM grid</h2>
        <p class="note">{{gridNote}} Pick a cell to start a segment from it.</p>
        <div class="scroll"><table class="rfm">
        <caption>Customers by recency score (rows) and combined frequency–monetary score (columns); shade: average spend</caption>
        <thead><tr><th scope="col">R \\ FM</th>{{#fmHeaders}}<th scope="col">{{.}}</th>{{/fmHeaders}}</tr></thead>
        <tbody>{{#gridRows}}<tr><th scope="row">{{r}}</th>{{#cells}}<td class="m{{level}}" title="{{tip}}"><a class="cell-link" href="{{link}}"><span class="seg">{{segment}}</span><span class="count">{{count}}</span><span class="spend">{{spend}}</span></a></td>{{/cells}}</tr>{{/gridRows}}</tbody>
        </table></div>
        </section>
        <section>
        <h2>Segments</h2>
        <div class="scroll"><table class="data sortable" id="segment-table">
        <thead><tr><th scope="col">Segment</th><th scope="col" data-type="number">Customers</th><th scope="col" data-type="number">Share of customers</th><th scope="col" data-type="number">Revenue</th><th scope="col" data-type="number">Share of revenue</th></tr></thead>
        <tbody>{{#summary}}<tr><td><a href="/at-risk?segment={{key}}">{{name}}</a></td><td class="num" data-sort="{{customersRaw}}" data-segment="{{key}}">{{customers}}</td><td class="num" data-sort="{{customerShareRaw}}">{{customerShare}}</td><td class="num" data-sort="{{revenueRaw}}">{{revenue}}</td><td class="num" data-sort="{{revenueShareRaw}}">{{revenueShare}}</td></tr>{{/summary}}</tbody>
        </table></div>
        </section>
        {{#charts}}{{> chart}}{{/charts}}
        <section>
        <h2>Movement between two dates</h2>
        <form class="controls" method="get" action="/segments">
        <label>From <input type="date" name="from" value="{{from}}"></label>
        <label>To <input type="date" name="to" value="{{to}}"></label>
        <button type="submit">Compare</button>
        </form>
        {{#movementNote}}<p class="note">{{movementNote}}</p>{{/movementNote}}
        {{#movement}}
        <div class="scroll"><table class="data movement">
        <caption>Customers in each segment on {{fromLabel}} (rows) and on {{toLabel}} (columns)</caption>
        <thead><tr><th scope="col">From \\ To</th>{{#labels}}<th scope="col">{{.}}</th>{{/labels}}</tr></thead>
        <tbody>{{#rows}}<tr><th scope="row">{{label}}</th>{{#cells}}<td class="num{{#diagonal}} diagonal{{/diagonal}}">{{count}}</td>{{/cells}}</tr>{{/rows}}</tbody>
        </table></div>
        {{/movement}}
        </section>
        {{/hasGrid}}
        {{/page}}
        {{> foot}}
        """

    static let customers = """
        {{> head}}
        {{#page}}
        {{#message}}<p class="note" role="status">{{message}}</p>{{/message}}
        {{#hasResults}}
        <div class="scroll"><table class="data sortable" id="search-results">
        <thead><tr><th scope="col">Customer</th><th scope="col">Traits</th><th scope="col">Last seen</th></tr></thead>
        <tbody>{{#results}}<tr><td><a href="{{link}}">{{name}}</a></td><td>{{traits}}</td><td>{{lastSeen}}</td></tr>{{/results}}</tbody>
        </table></div>
        {{/hasResults}}
        {{/page}}
        {{> foot}}
        """

    static let customer = """
        {{> head}}
        {{#page}}
        <div class="profile">
        <section class="card">
        <h2>Profile</h2>
        <dl class="facts">
        {{#facts}}<div><dt>{{name}}</dt><dd>{{value}}</dd></div>{{/facts}}
        </dl>
        {{#hasTraits}}<h3>Traits</h3><dl class="traits">{{#traits}}<div><dt>{{name}}</dt><dd>{{value}}</dd></div>{{/traits}}</dl>{{/hasTraits}}
        </section>
        <section class="card">
        <h2>Prediction</h2>
        {{#prediction}}
        <dl class="facts">
        <div><dt>Churn risk</dt><dd data-value="{{riskRaw}}">{{risk}}</dd></div>
        <div><dt>P(alive)</dt><dd>{{alive}}</dd></div>
        <div><dt>Predicted CLV</dt><dd>{{clv}}</dd></div>
        <div><dt>Expected loss</dt><dd>{{loss}}</dd></div>
        <div><dt>Suggested action</dt><dd>{{action}}</dd></div>
        </dl>
        <h3>Why</h3><ul>{{#reasons}}<li>{{.}}</li>{{/reasons}}</ul>
        {{/prediction}}
        {{#predictionNote}}<p class="note">{{predictionNote}}</p>{{/predictionNote}}
        {{#segment}}<p>RFM segment: <strong>{{segment}}</strong></p>{{/segment}}
        </section>
        </div>
        <section>
        <h2>Timeline</h2>
        <p class="note">{{timelineNote}}</p>
        <ol class="timeline">
        {{#timeline}}<li class="ev {{category}}"><time datetime="{{iso}}">{{when}}</time> <span class="badge">{{categoryName}}</span> <strong>{{title}}</strong> {{#detail}}<span class="detail">{{detail}}</span>{{/detail}}</li>{{/timeline}}
        </ol>
        </section>
        {{/page}}
        {{> foot}}
        """

    static let segmentEditor = """
        {{> head}}
        {{#page}}
        <div class="editor-grid">
        <form id="segment-editor" class="card editor" method="post" action="/segments/save" data-preview="/segments/preview">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="original" value="{{original}}">
        <label for="segment-name">Name</label>
        <input id="segment-name" name="name" value="{{name}}" required maxlength="200" autocomplete="off"{{^isNew}} readonly{{/isNew}}{{#nameError}} aria-invalid="true" aria-describedby="name-error"{{/nameError}}>
        {{#nameError}}<p id="name-error" class="alert" role="alert">{{nameError}}</p>{{/nameError}}
        <label for="segment-where">Expression</label>
        <textarea id="segment-where" name="where" rows="6" spellcheck="false" autocapitalize="off" aria-describedby="where-error where-help"{{#error}} aria-invalid="true"{{/error}}>
        {{expression}}</textarea>
        <div id="where-error" class="expr-error" aria-live="polite"{{^error}} hidden{{/error}}>
        {{#error}}<p class="alert"><span class="error-message">{{message}}</span>{{#position}} <span class="error-position">({{position}})</span>{{/position}}</p>
        {{#position}}<pre class="expr-context" aria-hidden="true"><span class="before">{{before}}</span><mark>{{at}}</mark><span class="after">{{after}}</span></pre>{{/position}}{{/error}}
        </div>
        <p id="where-help" class="note">For example <code>rfm = "Champions" and frequency >= 3</code> or <code>churn_risk >= 0.5 and clv_52w > 200</code>. Metrics: {{metrics}}; also <code>trait("plan") = "pro"</code>, <code>count("Order Completed", last 90 days) >= 2</code>, <code>in segment "name"</code>; combine with <code>and</code>, <code>or</code>, <code>not</code>.</p>
        <label for="segment-description">Description</label>
        <textarea id="segment-description" name="description" rows="2" maxlength="2000">
        {{description}}</textarea>
        <p class="buttons"><button type="submit">Save segment</button> <a href="/segments#saved-segments">Cancel</a></p>
        </form>
        <section id="segment-preview" class="card preview" aria-labelledby="preview-heading">
        <h2 id="preview-heading">Members now</h2>
        <div id="preview-live" aria-live="polite">
        <p id="preview-count" class="preview-count"{{#preview}} data-count="{{count}}" data-customers="{{customers}}"{{/preview}}>{{#preview}}{{countText}}{{/preview}}{{^preview}}Type an expression to see who it selects.{{/preview}}</p>
        <p id="preview-note" class="note"{{^preview.note}} hidden{{/preview.note}}>{{preview.note}}</p>
        <ul id="preview-sample" class="sample">{{#preview}}{{#sample}}<li data-user="{{userId}}"><a href="{{link}}">{{name}}</a></li>{{/sample}}{{/preview}}</ul>
        </div>
        <p class="note">A sample of up to 10 members, by customer id. Counts are evaluated on today's date.</p>
        </section>
        </div>
        {{/page}}
        {{> foot}}
        """

    static let notFound = """
        {{> head}}
        {{#page}}<p class="note">{{message}}</p>{{/page}}
        {{> foot}}
        """
}
