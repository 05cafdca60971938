function [mpc, other] = stmts(varargin)
define_constants;
disp('loading'); clear x
mpc.baseMVA = 2 ^ -1 * 200;  % 100
mpc.bus = [1 3 0 0 0 0 1 1 0 1 1 1.1 0.9; 2 1 10 5 0 0 1 1 0 1 1 1.1 0.9];
mpc.gen = [1 0 0 0 0 1 100 1 1 0];
mpc.branch = [1 2 0 0.1 0 0 0 0 0 0 1];
a = [1 -2];  b = [1 - 2];  c = a';
mpc.bus(2, [PD QD]) = mpc.bus(2, [PD QD]) .* [2 3] + b;
mpc.bus(:, GS) = c;
mpc.bus(end, VMAX) = 1.2;
mpc.bus(2, BUS_AREA) = (3 > 2) + (1 & 0) + (0 | 1);
mpc.bus(1, ZONE) = floor(2.7) + abs(-1);
mpc.bus(1, BASE_KV) = 5:-1:5;
mpc.gen(:, APF) = 3;
mpc.gen(1, QMAX) = Inf; mpc.gen(1, QMIN) = -inf;
if 2 == 2, mpc.bus(1, VM) = 1.05; end
if 1 > 2
  mpc.bus(1, VA) = 1;
elseif 2 > 1
  mpc.bus(1, VA) = 2;
  if 0
    mpc.bus(1, VA) = 4;
  end
else
  mpc.bus(1, VA) = 3;
end
mpc.branch(1, [ANGMIN ANGMAX]) = [-10, 10];
mpc.gencost = [2 0 0 2 1 0; 2 0 0 3 1 2 3];
mpc.gencost(1:2, 1) = (1:2)';
mpc.bus_name = {'a', 'b'};
x = unknown_fn(3);
mpc.areas(1, 2) = 5;
mpc.gentype{1} = 'ST';
return
mpc.bus(1, 1) = 77;
function x = helper
x = 1;
