function mpc = zero_x_merged
%ZERO_X_MERGED  zero_x.m with its zero-reactance branch 1 (bus 1 to 2) merged by hand: bus 2's
%   load and unit moved to bus 1, its branches 2-3 and 2-6 now from bus 1, branch 1 and bus 2
%   removed. gridres shed on zero_x.m (x = 0 taken as a bus tie, x = 1e-4 pu) must give the same
%   shedding and flows (tests/cli/test_shed.sh).
%
%   Copyright (c) 2026, the gridres developers. BSD-3-Clause (see LICENSE).

%% MATPOWER Case Format : Version 2
mpc.version = '2';

%%-----  Power Flow Data  -----%%
%% system MVA base
mpc.baseMVA = 100;

%% bus data
%	bus_i	type	Pd	Qd	Gs	Bs	area	Vm	Va	baseKV	zone	Vmax	Vmin
mpc.bus = [
	1	3	40	12	0	0	1	1.05	0	330	1	1.1	0.95;
	3	1	110	36	0	0	1	1.01	-4	330	1	1.1	0.95;
	4	1	95	32	0	30	1	1.0	-8	110	2	1.1	0.9;
	5	1	70	24	0	0	1	0.98	-10	110	2	1.1	0.9;
	6	1	60	20	0	0	1	0.99	-8	110	2	1.1	0.9;
];

%% generator data
%	bus	Pg	Qg	Qmax	Qmin	Vg	mBase	status	Pmax	Pmin	Pc1	Pc2	Qc1min	Qc1max	Qc2min	Qc2max	ramp_agc	ramp_10	ramp_30	ramp_q	apf
mpc.gen = [
	1	135	40	120	-60	1.05	250	1	220	80	0	0	0	0	0	0	0	0	0	0	0;
	1	120	35	100	-50	1.05	225	1	200	70	0	0	0	0	0	0	0	0	0	0	0;
	1	130	20	80	-30	1.05	170	1	150	0	0	0	0	0	0	0	0	0	0	0	0;
	5	0	0	30	-10	1.0	60	0	50	10	0	0	0	0	0	0	0	0	0	0	0;
];

%% branch data
%	fbus	tbus	r	x	b	rateA	rateB	rateC	ratio	angle	status	angmin	angmax
mpc.branch = [
	1	3	0.0066	0.0364	0.444	800	900	1000	0	0	1	-360	360;
	1	3	0.0044	0.0242	0.296	800	900	1000	0	0	1	-360	360;
	3	4	0.0012	0.0440	0	250	275	300	1.025	0	1	-360	360;
	1	6	0.0015	0.0550	0	200	220	240	1	0	1	-360	360;
	4	5	0.0397	0.1017	0.0102	95	105	115	0	0	1	-360	360;
	4	6	0.0331	0.0847	0.0085	95	105	115	0	0	1	-360	360;
	5	6	0.0264	0.0678	0.0068	95	105	115	0	0	1	-360	360;
];
