/// The journeys pages' Mustache templates (registered with ``DashboardTemplates``). `{{ }}`
/// escapes for HTML; `{{{ }}}` is used only for SVG that ``JourneyFlowDiagram`` and
/// ``UpliftChart`` built and escaped themselves.
enum JourneyTemplates {
    static let all: [(String, String)] = [("journeys", journeys), ("journey", journey)]

    static let journeys = """
        {{> head}}
        {{#page}}
        {{#unavailable}}<p class="note">{{unavailable}}</p>{{/unavailable}}
        {{#hasRows}}
        <div class="scroll"><table class="data sortable" id="journey-table">
        <caption>Conversion uplift is treatment minus control in percentage points, with its 95% interval; ★ marks an uplift whose interval excludes zero</caption>
        <thead><tr><th scope="col">Journey</th><th scope="col">Status</th><th scope="col" data-type="number">Version</th><th scope="col">Trigger</th><th scope="col" data-type="number">Entered</th><th scope="col" data-type="number">In progress</th><th scope="col" data-type="number">Converted</th><th scope="col" data-type="number">Conversion uplift</th><th scope="col" data-type="number">Holdout</th></tr></thead>
        <tbody>{{#rows}}<tr data-journey-name="{{name}}" data-status="{{status}}"><td><a class="journey-name" href="{{link}}">{{name}}</a></td><td><span class="status status-{{status}}">{{statusText}}</span></td><td class="num">{{version}}</td><td class="trigger">{{trigger}}</td><td class="num entered" data-sort="{{enteredRaw}}" data-value="{{enteredRaw}}">{{entered}}</td><td class="num in-progress" data-sort="{{inProgressRaw}}" data-value="{{inProgressRaw}}">{{inProgress}}</td><td class="num converted" data-sort="{{convertedRaw}}" data-value="{{convertedRaw}}">{{converted}}</td><td class="num uplift" data-sort="{{upliftRaw}}"><span class="uplift-value">{{uplift}}</span>{{#interval}}<br><span class="interval">{{interval}}</span>{{/interval}}<br><span class="significance{{#significant}} significant{{/significant}}">{{significance}}</span></td><td class="num">{{holdout}}</td></tr>{{/rows}}</tbody>
        </table></div>
        {{/hasRows}}
        {{^hasRows}}{{^unavailable}}
        <section class="card empty-state" id="journeys-empty">
        <h2>No journeys yet</h2>
        <p>A journey sends customers a series of messages when something happens (an event, entering or leaving a segment, a cancellation), waits, branches on what they do, and holds a share of them out to measure what it changed.</p>
        <p>Write one as a JSON document and create it with <code>tenure journeys create FILE</code> (or <code>POST /api/v1/journeys</code> with an admin key); <code>tenure serve</code> runs it.</p>
        </section>
        {{/unavailable}}{{/hasRows}}
        <p><a href="{{archivedLink}}">{{archivedLinkText}}</a></p>
        {{/page}}
        {{> foot}}
        """

    static let journey = """
        {{> head}}
        {{#page}}
        <div class="journey-head">
        <p class="journey-status">Status <span class="status status-{{status}}" id="journey-status" data-status="{{status}}">{{statusText}}</span> · version {{version}} · last changed by {{updated}}</p>
        {{#hasActions}}<div class="journey-actions">{{#actions}}<form method="post" action="{{action}}"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="name" value="{{journeyName}}"><button type="submit" class="{{className}}" id="journey-{{verb}}">{{label}}</button></form>{{/actions}}</div>
        <p class="note journey-actions-note">Pausing stops entries and steps until resumed; archiving ends the journey for good and stops everyone in it.</p>{{/hasActions}}
        </div>
        <section class="card" aria-labelledby="rules-heading">
        <h2 id="rules-heading">Who enters and what counts</h2>
        <dl class="facts rules">
        <div><dt>Trigger</dt><dd id="journey-trigger">{{trigger}}</dd></div>
        <div><dt>Entry rule</dt><dd id="journey-entry">{{entry}}</dd></div>
        <div><dt>Goal</dt><dd id="journey-goal">{{goal}}</dd></div>
        <div><dt>Holdout</dt><dd id="journey-holdout">{{holdout}}</dd></div>
        {{#group}}<div><dt>Group</dt><dd>{{group}} (a customer in one of its journeys enters no other)</dd></div>{{/group}}
        </dl>
        </section>
        <section class="kpis journey-figures" aria-label="Counts">
        {{#figures}}<article class="kpi"><h2>{{name}}</h2><p class="kpi-value" data-figure="{{key}}" data-value="{{raw}}">{{value}}</p><p class="kpi-note">{{note}}</p></article>{{/figures}}
        </section>
        <section id="journey-flow" aria-labelledby="flow-heading">
        <h2 id="flow-heading">Steps</h2>
        <p class="note">How many times each step ran, treatment and held-out customers together; held-out customers go through every step and are sent nothing.</p>
        <div class="flow-box">{{{flow.svg}}}</div>
        <details class="flow-list" open><summary>Every step, its paths and its counts</summary>
        <ol class="flow-steps">{{#flow.steps}}<li id="step-{{index}}" class="flow-step kind-{{kind}}" data-step="{{id}}" data-reached="{{reached}}"{{#isSend}} data-sent="{{sent}}" data-held-out="{{heldOut}}"{{/isSend}}><strong class="step-id">{{id}}</strong> <span class="badge">{{kindName}}</span> <span class="detail">{{detail}}</span><br><span class="step-counts">{{countsText}}</span>{{#hasPaths}}<ul class="paths">{{#paths}}<li><span class="path-label">{{label}}</span> → {{#hasHref}}<a href="{{href}}">{{target}}</a>{{/hasHref}}{{^hasHref}}{{target}}{{/hasHref}}</li>{{/paths}}</ul>{{/hasPaths}}</li>{{/flow.steps}}</ol>
        </details>
        </section>
        <section id="journey-uplift" aria-labelledby="uplift-heading">
        <h2 id="uplift-heading">Treatment against control</h2>
        <p class="note">{{upliftNote}} Whiskers show the 95% interval of the uplift drawn from the control level (the dashed line): a whisker clear of it, marked ★, is significant.</p>
        <div class="charts">{{#charts}}{{> chart}}{{/charts}}</div>
        </section>
        {{/page}}
        {{> foot}}
        """
}
