function chgtab = ctg
define_constants;
% label prob table row col chgtype newval
chgtab = [
	1	0.01	CT_TBRCH	1	BR_STATUS	CT_REP	0;
	2	0.01	CT_TBRCH	2	BR_STATUS	CT_REP	0;
	2	0.01	CT_TGEN	3	GEN_STATUS	CT_REP	0;
	3	0.1	CT_TBUS	4	PD	CT_REL	1.1;
	4	0.1	3	5	11	1	0 ...
];
