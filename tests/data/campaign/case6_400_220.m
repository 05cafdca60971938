function mpc = case6_400_220
% A 400/220 kV test grid for the campaign's voltage classes (hand-made).
% Branches: 1-2, 2-3 lines; 1-3 a line with an explicit tap of 1; 3-4 and
% 2-5 transformers (400/220 kV, tap 0 and tap 1); 4-5, 5-6 lines; 4-6 a
% 220 kV branch with a tap of 1.05 (a transformer): 5 lines, 3 transformers.
mpc.version = '2';
mpc.baseMVA = 100;
%	bus_i	type	Pd	Qd	Gs	Bs	area	Vm	Va	baseKV	zone	Vmax	Vmin
mpc.bus = [
	1	3	0	0	0	0	1	1	0	400	1	1.1	0.9;
	2	2	0	0	0	0	1	1	0	400	1	1.1	0.9;
	3	1	80	20	0	0	1	1	0	400	1	1.1	0.9;
	4	1	60	15	0	0	1	1	0	220	1	1.1	0.9;
	5	1	50	10	0	0	1	1	0	220	1	1.1	0.9;
	6	1	40	10	0	0	1	1	0	220	1	1.1	0.9;
];
%	bus	Pg	Qg	Qmax	Qmin	Vg	mBase	status	Pmax	Pmin
mpc.gen = [
	1	180	0	150	-100	1.02	100	1	400	0;
	2	50	0	60	-40	1.01	100	1	100	0;
];
%	fbus	tbus	r	x	b	rateA	rateB	rateC	ratio	angle	status	angmin	angmax
mpc.branch = [
	1	2	0.002	0.02	0.1	600	600	600	0	0	1	-360	360;
	2	3	0.002	0.02	0.1	600	600	600	0	0	1	-360	360;
	1	3	0.002	0.02	0.1	600	600	600	1	0	1	-360	360;
	3	4	0.001	0.03	0	300	300	300	0	0	1	-360	360;
	2	5	0.001	0.03	0	300	300	300	1	0	1	-360	360;
	4	5	0.01	0.05	0.02	200	200	200	0	0	1	-360	360;
	5	6	0.01	0.05	0.02	200	200	200	0	0	1	-360	360;
	4	6	0.01	0.05	0	200	200	200	1.05	0	1	-360	360;
];
