%ODD_SYNTAX  Hand-written case exercising the corners of MATPOWER's caseformat.
%   Comments before the function line (as pglib writes them), non-consecutive
%   bus numbers, an isolated bus, several generators at one bus, tabs, commas,
%   exponents, Inf, rows without ';', comments and continuations in matrices,
%   gencost rows of different lengths, bus names and fields gridres ignores.
function mpc = odd_syntax
mpc.version = '2';
mpc.baseMVA = 100;   % trailing comment

%% bus data
%	bus_i	type	Pd	Qd	Gs	Bs	area	Vm	Va	baseKV	zone	Vmax	Vmin
mpc.bus = [
	10	3	0	0	0	0	1	1.02	0	345	1	1.1	0.9;   % comment after a row
	20, 2, 1.5e1, 1E+0, 0, 0, 1, 1, -1.5, 345, 1, 1.1, 0.9
	% a comment line inside the matrix
	30	1	90	30	0	0	1	1	0	...  continuation, then a comment
		345	1	1.1	0.9;
	40	4	0	0	0	0	1	1	0	345	1	Inf	-Inf;

	7	1	.5	-.25	0	0	2	1	0	230	1	1.1	0.9;
];

%% generator data (10 columns, rows without ';', two units at bus 20)
mpc.gen = [
	10	72.3	27.03	300	-300	1.04	100	1	250	10
	20	163	6.54	Inf	-Inf	1.025	100	1	300	10
	20	85	-10.95	300	-300	1.025	100	0	270	10;
];

%% branch data (11 columns; ';' before ']')
mpc.branch = [
	10	20	0	0.0576	0	250	250	250	0	0	1;
	20	30	0.017	0.092	0.158	250	250	250	0	0	1;
	30	7	0.039	0.17	0.358	150	150	150	1.05	-3	1;
	7	10	0.0119	0.1008	0.209	150	150	150	0	0	0;];

%% fields gridres does not use
mpc.areas = [ 1 10; 2 7 ];
mpc.gentype = { 'ST'; 'W2'; 'PV' };
mpc.genfuel = {'coal', 'wind', 'solar'};
mpc.dcline = [
	10	30	1	10	8.9	0	0	1.01	1	1	10	-Inf	Inf	-Inf	Inf	0	0;
];
mpc.foo.bar = 'a string with ] and } and % inside';
mpc.comment = "double ""quoted"" text";
mpc.notes = {'x', [1 2; 3 4], {'nested'}};

%% generator cost data (rows of different lengths)
mpc.gencost = [
	2	1500	0	3	0.11	5	150;
	2	2000	0	2	1.2	600;
	1	0	0	2	0	0	100	2000;
];

mpc.bus_name = {
	'Ten';
	'Twenty''s';
	'Thirty'
	'Forty';
	'Seven';
};
