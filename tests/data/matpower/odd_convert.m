function mpc = odd_convert
%ODD_CONVERT  Unit conversions appended to a case, as MATPOWER's distribution
%   cases do (case10ba, case141): kW -> MW, ohms -> p.u., a power factor.
%% MATPOWER Case Format : Version 2
mpc.version = '2';
mpc.baseMVA = 50/3;
fixed = 0;

mpc.bus = [ %% (Pd and Qd in kW & kVAr here, converted below)
	1	3	0	0	0	0	1	1	0	12.66	1	1	1;
	2	1	100	60	0	0	1	1	0	12.66	1	1.1	0.9;
	3	1	90	40	0	0	1	1	0	12.66	1	1.1	0.9;
];
mpc.gen = [
	1	0	0	10	-10	1	100	1	10	0	0	0	0	0	0	0	0	0	0	0	0;
];
mpc.branch = [  %% (r and x in ohms here, converted below)
	1	2	0.0922	0.0470	0	0	0	0	0	0	1	-360	360;
	2	3	0.4930	0.2511	0	0	0	0	0	0	1	-360	360;
];

[PQ, PV, REF, NONE, BUS_I, BUS_TYPE, PD, QD, GS, BS, BUS_AREA, VM, ...
    VA, BASE_KV, ZONE, VMAX, VMIN, LAM_P, LAM_Q, MU_VMAX, MU_VMIN] = idx_bus;
[F_BUS, T_BUS, BR_R, BR_X, BR_B, RATE_A, RATE_B, RATE_C, ...
    TAP, SHIFT, BR_STATUS, PF, QF, PT, QT, MU_SF, MU_ST, ...
    ANGMIN, ANGMAX, MU_ANGMIN, MU_ANGMAX] = idx_brch;
Vbase = mpc.bus(1, BASE_KV) * 1e3;      %% in Volts
Sbase = mpc.baseMVA * 1e6;              %% in VA
mpc.branch(:, [BR_R BR_X]) = mpc.branch(:, [BR_R BR_X]) / (Vbase^2 / Sbase);

%% convert loads from kW to MW
mpc.bus(:, [PD, QD]) = mpc.bus(:, [PD, QD]) / 1e3;

%% reactive load from a power factor, on buses 2..end
pf = 0.85;
mpc.bus(2:end, QD) = mpc.bus(2:end, PD) * sin(acos(pf));

if fixed
    k = find(isinf(mpc.gen(:, 4)));
    mpc.gen(k, 4) = 0;
else
    mpc.gen(1, 21) = 1;   % APF, set in the else branch
end
