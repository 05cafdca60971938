function mpc = zero_x
%ZERO_X  examples/example6.m with branch 1 (bus 1 to 2) at x = 0, r = 0.0055: the reader and the AC
%   power flow accept it (|r| + |x| > 1e-10 pu), the DC model cannot (b = 1/x); issue 22.
%
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
	1	3	0	0	0	0	1	1.05	0	330	1	1.1	0.95;
	2	2	40	12	0	0	1	1.03	-1.5	330	1	1.1	0.95;
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
	2	130	20	80	-30	1.03	170	1	150	0	0	0	0	0	0	0	0	0	0	0	0;
	5	0	0	30	-10	1.0	60	0	50	10	0	0	0	0	0	0	0	0	0	0	0;
];

%% branch data
%	fbus	tbus	r	x	b	rateA	rateB	rateC	ratio	angle	status	angmin	angmax
mpc.branch = [
	1	2	0.0055	0	0.370	800	900	1000	0	0	1	-360	360;
	1	3	0.0066	0.0364	0.444	800	900	1000	0	0	1	-360	360;
	2	3	0.0044	0.0242	0.296	800	900	1000	0	0	1	-360	360;
	3	4	0.0012	0.0440	0	250	275	300	1.025	0	1	-360	360;
	2	6	0.0015	0.0550	0	200	220	240	1	0	1	-360	360;
	4	5	0.0397	0.1017	0.0102	95	105	115	0	0	1	-360	360;
	4	6	0.0331	0.0847	0.0085	95	105	115	0	0	1	-360	360;
	5	6	0.0264	0.0678	0.0068	95	105	115	0	0	1	-360	360;
];

%%-----  OPF Data  -----%%
%% generator cost data
%	2	startup	shutdown	n	c(n-1)	...	c0
mpc.gencost = [
	2	0	0	3	0.02	22	300;
	2	0	0	3	0.025	24	280;
	2	0	0	3	0.005	5	50;
	2	0	0	3	0.06	40	120;
];

%% bus names
mpc.bus_name = {
	'PLANT-A 330';
	'HYDRO-B 330';
	'CITY-N 330';
	'CITY-N 110';
	'CITY-E 110';
	'CITY-W 110';
};
