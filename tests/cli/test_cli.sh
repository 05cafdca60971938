#!/usr/bin/env bash
# test_cli.sh — CLI habits (issue 21): one element grammar in every command, the shared
# defaults stated in every --help, "did you mean", an examples: section in every --help
# whose lines all run, pf's stress tables checked against its own branch.csv, plot.
. "$(dirname "$0")/lib.sh"
EX="$ROOT/examples"
cd "$W" || exit 1

# --- every command: examples section, defaults stated, every example runs ---------
cmds=$("$G" --help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}')
[ "$(echo "$cmds" | wc -w)" -ge 14 ] || fail "fewer than 14 commands in gridres --help: $cmds"
for c in $cmds; do
  run 0 "help_$c" "$G" "$c" --help || continue
  expect_in "$W/help_$c.out" '^examples:$' "help_$c examples"
  expect_in "$W/help_$c.out" 'defaults of every command: --seed 1; --threads all cores' "help_$c defaults"
  expect_in "$W/help_$c.out" 'branch:N, line:N, trafo:N' "help_$c element names"
  n=0
  while IFS= read -r line; do
    n=$((n + 1))
    d="$W/ex_${c}_$n"
    mkdir -p "$d" && ln -s "$EX" "$d/examples"
    # each example in a fresh folder, with the example files at examples/ and $G as gridres
    (cd "$d" && timeout 120 bash -c "gridres() { \"$G\" \"\$@\"; }; $line" >out 2>err)
    rc=$?
    n_check=$((n_check + 1))
    if [ "$rc" != 0 ]; then
      fail "example of $c exits $rc: $line"
      sed 's/^/    /' "$d/err" | head -5 >&2
    fi
  done < <(awk '/^examples:$/ {on = 1; next} on && /^  gridres / {sub(/^  /, ""); print; next} on {on = 0}' "$W/help_$c.out")
  [ "$n" -ge 1 ] || fail "$c --help: no example line"
done
# campaign --help tells how to bring one's own grid (the scenario's grid/overlay fields)
expect_in "$W/help_campaign.out" '"grid": "CASE.m"' campaign_grid_field
expect_in "$W/help_campaign.out" '"overlay"' campaign_overlay_field
# the examples wrote what they say: a picture, a campaign folder
[ -s "$W/ex_plot_1/grid.svg" ] && grep -q '<svg' "$W/ex_plot_1/grid.svg" || fail "plot example: no SVG"
[ "$(head -c 4 "$W/ex_plot_2/grid.png" | od -An -c | tr -d ' ')" = '211PNG' ] || fail "plot example: no PNG"
pass

# --- did you mean ------------------------------------------------------------------
run 2 typo_cmd "$G" campain && expect_in "$W/typo_cmd.err" "unknown command 'campain' \(did you mean 'campaign'\?" typo_cmd
run 2 typo_opt "$G" campaign --nigths 3 && expect_in "$W/typo_opt.err" "unknown option '--nigths' \(did you mean '--nights'\?" typo_opt
run 2 typo_pre "$G" contingency "$EX/example6.m" --thread 2 && expect_in "$W/typo_pre.err" "did you mean '--threads'" typo_prefix
run 2 typo_none "$G" pf --foo && expect_in "$W/typo_none.err" "^gridres pf: unknown option '--foo' \(see gridres pf --help\)$" typo_none

# --- one element grammar -----------------------------------------------------------
# example6: rows 4 (3-4, tap 1.025) and 5 (2-6, 330/110 kV) are the transformers.
run 0 el_trafo "$G" shed --outage trafo:4 --json && expect_in "$W/el_trafo.out" '"branch:4"' el_trafo
run 0 el_line "$G" shed --outage line:6 --json && expect_in "$W/el_line.out" '"branch:6"' el_line
run 2 el_line_tr "$G" shed --outage line:4 && expect_in "$W/el_line_tr.err" 'branch row 4 is a transformer' el_line_tr
run 2 el_trafo_ln "$G" shed --outage trafo:1 && expect_in "$W/el_trafo_ln.err" 'branch row 1 is a line' el_trafo_ln
run 2 el_kind "$G" cascade "$EX/example6.m" --outage wire:3 && expect_in "$W/el_kind.err" "unknown element kind 'wire'" el_kind
# the same outage under each name gives the same cascade
run 0 el_c1 "$G" cascade "$EX/example6.m" --outage branch:4,branch:6 --json
run 0 el_c2 "$G" cascade "$EX/example6.m" --outage trafo:4,line:6 --json
sed 1,3d "$W/el_c1.out" | grep -v '"outage"' >"$W/el_c1.cmp"; sed 1,3d "$W/el_c2.out" | grep -v '"outage"' >"$W/el_c2.cmp"
cmp -s "$W/el_c1.cmp" "$W/el_c2.cmp" || fail "cascade: trafo:4,line:6 differs from branch:4,branch:6"
pass
# overlay names: a substation is its buses, a plant its generators
OV="$EX/example6.scenario.json"
run 0 el_sub "$G" shed "$EX/example6.m" --overlay "$OV" --outage "CITY-E (5)" --json &&
  expect_in "$W/el_sub.out" '"bus:5"' el_sub
run 0 el_plant "$G" shed "$EX/example6.m" --overlay "$OV" --outage "HYDRO-B (2) plant" --json &&
  expect_in "$W/el_plant.out" '"gen:' el_plant
run 0 el_sched "$G" schedule --outage trafo:5 --hours 2
run 2 el_noov "$G" shed --outage "CITY-E (5)" && expect_in "$W/el_noov.err" "expected an element like branch:12" el_noov
# contingency lists: line/trafo/bus names; bus:5 = its branches and generator
printf 'line:6\ntrafo:4\nbus:5\n' >"$W/l.txt"
run 0 el_ctg "$G" contingency "$EX/example6.m" --dc --list "$W/l.txt" --out "$W/ctg" &&
  expect_in "$W/ctg/contingencies.csv" 'branch:6;branch:8' el_ctg_bus
printf 'line:4\n' >"$W/l2.txt"
run 2 el_ctg_bad "$G" contingency "$EX/example6.m" --list "$W/l2.txt" && expect_in "$W/el_ctg_bad.err" 'l2\.txt:1:6: line:4: branch row 4 is a transformer' el_ctg_bad
# restore damage "element", campaign target assets by element name (examples/ files)
run 0 el_restore "$G" restore "$EX/example6.m" --damage "$EX/example6.damage.json" --json &&
  expect_in "$W/el_restore.out" '"trafo:4"|"branch:4"' el_restore
run 0 el_camp "$G" campaign "$EX/example6.campaign.json" --nights 1 --out "$W/camp" --quiet
expect_in "$W/camp/campaign.json" 'line:6' el_camp_asset

# --- defaults: seed 1 without --seed, a new folder named on the first line ------------
mkdir -p "$W/def" && cd "$W/def" || exit 1
run 0 seed_def "$G" cascade "$EX/example6.m" --random-n2 10
expect_in "$W/seed_def.out" '^output      gridres-out-[0-9-]+/$' seed_def_first_line
head -1 "$W/seed_def.out" | grep -q '^output ' || fail "cascade: the first line does not name the output folder"
expect_in "$W/seed_def.out" 'random N-2 \(seed 1\)' seed_def_seed
run 0 seed_one "$G" cascade "$EX/example6.m" --random-n2 10 --seed 1 --out "$W/s1"
d=$(ls -d gridres-out-* | head -1)
cmp -s "$d/losses.csv" "$W/s1/losses.csv" || fail "cascade: no --seed differs from --seed 1"
pass
run 0 camp_def "$G" campaign "$EX/example6.m" --nights 1
head -1 "$W/camp_def.out" | grep -Eq 'outputs in gridres-out-[0-9-]+/$' || fail "campaign: first line does not say where the outputs went"
pass
cd "$W" || exit 1

# --- pf: the stress tables against its own branch.csv and bus.csv --------------------
run 0 pf_tab "$G" pf "$EX/example6.m" --out "$W/pf"
expect_in "$W/pf_tab.out" '^most loaded branches' pf_tab_head
expect_in "$W/pf_tab.out" '^lowest voltages' pf_tab_vhead
top=$(awk '/^most loaded/ {getline; getline; print $1, $6; exit}' "$W/pf_tab.out")
# rateA from the case file (column 6 of mpc.branch), flows from branch.csv
awk '/^mpc.branch = \[/ {on = 1; next} on && /^\];/ {on = 0} on {print $6}' "$EX/example6.m" >"$W/rate.txt"
ref=$(awk -F, 'NR == FNR {rate[FNR] = $1; next} FNR == 1 {for (i = 1; i <= NF; i++) h[$i] = i; next}
  { k = FNR - 1; sf = sqrt($h["pf_mw"]^2 + $h["qf_mvar"]^2); st = sqrt($h["pt_mw"]^2 + $h["qt_mvar"]^2);
    s = sf > st ? sf : st; l = 100 * s / rate[k]; if (l > best) { best = l; b = k } }
  END { printf "%d %.1f\n", b, best }' "$W/rate.txt" "$W/pf/branch.csv")
[ "$top" = "$ref" ] || fail "pf table top branch '$top' != branch.csv '$ref'"
vmin=$(awk '/^lowest voltages/ {getline; getline; print $1, $2; exit}' "$W/pf_tab.out")
vref=$(awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) h[$i] = i; best = 9; next}
  $h["vm_pu"] < best { best = $h["vm_pu"]; b = $h["bus_id"] } END { printf "%d %.4f\n", b, best }' "$W/pf/bus.csv")
[ "$vmin" = "$vref" ] || fail "pf lowest voltage '$vmin' != bus.csv '$vref'"
pass
run 0 ctg_tab "$G" contingency "$EX/example6.m" && expect_in "$W/ctg_tab.out" '^base case: most loaded branches' ctg_tab

# --- plot -----------------------------------------------------------------------------
run 2 plot_ext "$G" plot --out x.pdf && expect_in "$W/plot_ext.err" 'must end in \.svg or \.png' plot_ext
run 0 plot_svg "$G" plot --out "$W/p.svg" && grep -q '<svg' "$W/p.svg" || fail "plot: no SVG"
run 2 plot_again "$G" plot --out "$W/p.svg" && expect_in "$W/plot_again.err" 'exists' plot_again
run 2 plot_color "$G" plot --color heat --out "$W/q.svg" && expect_in "$W/plot_color.err" 'loading or voltage' plot_color
# --- the man page generated from the help texts covers every command ---------------
bash "$ROOT/scripts/gen_man.sh" "$G" "$W/gridres.1" || fail "gen_man.sh failed"
for c in $cmds; do
  grep -q "^\.SH \"gridres $c\"" "$W/gridres.1" || fail "man page: no section for $c"
done
pass
finish
