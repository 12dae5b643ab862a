// Generated from html5ever's list of named character references by
// `QUOTEBOOK_REGENERATE=1 cargo test -p quotebook-html entities`: do not edit.
// The names, sorted, in one string; `ENDS[i]` is where name `i` ends; `CODES[i]` is
// its first code point, plus (index + 1 in `SECONDS`) << 21 for a second one.

pub(super) const NAMES: &str = "\
AEligAElig;AMPAMP;AacuteAacute;Abreve;AcircAcirc;Acy;Afr;AgraveAgrave;Alpha;Amacr;\
And;Aogon;Aopf;ApplyFunction;AringAring;Ascr;Assign;AtildeAtilde;AumlAuml;Backslash;\
Barv;Barwed;Bcy;Because;Bernoullis;Beta;Bfr;Bopf;Breve;Bscr;Bumpeq;CHcy;COPYCOPY;\
Cacute;Cap;CapitalDifferentialD;Cayleys;Ccaron;CcedilCcedil;Ccirc;Cconint;Cdot;Cedilla;\
CenterDot;Cfr;Chi;CircleDot;CircleMinus;CirclePlus;CircleTimes;ClockwiseContourIntegral;\
CloseCurlyDoubleQuote;CloseCurlyQuote;Colon;Colone;Congruent;Conint;ContourIntegral;\
Copf;Coproduct;CounterClockwiseContourIntegral;Cross;Cscr;Cup;CupCap;DD;DDotrahd;\
DJcy;DScy;DZcy;Dagger;Darr;Dashv;Dcaron;Dcy;Del;Delta;Dfr;DiacriticalAcute;DiacriticalDot;\
DiacriticalDoubleAcute;DiacriticalGrave;DiacriticalTilde;Diamond;DifferentialD;Dopf;\
Dot;DotDot;DotEqual;DoubleContourIntegral;DoubleDot;DoubleDownArrow;DoubleLeftArrow;\
DoubleLeftRightArrow;DoubleLeftTee;DoubleLongLeftArrow;DoubleLongLeftRightArrow;DoubleLongRightArrow;\
DoubleRightArrow;DoubleRightTee;DoubleUpArrow;DoubleUpDownArrow;DoubleVerticalBar;\
DownArrow;DownArrowBar;DownArrowUpArrow;DownBreve;DownLeftRightVector;DownLeftTeeVector;\
DownLeftVector;DownLeftVectorBar;DownRightTeeVector;DownRightVector;DownRightVectorBar;\
DownTee;DownTeeArrow;Downarrow;Dscr;Dstrok;ENG;ETHETH;EacuteEacute;Ecaron;EcircEcirc;\
Ecy;Edot;Efr;EgraveEgrave;Element;Emacr;EmptySmallSquare;EmptyVerySmallSquare;Eogon;\
Eopf;Epsilon;Equal;EqualTilde;Equilibrium;Escr;Esim;Eta;EumlEuml;Exists;ExponentialE;\
Fcy;Ffr;FilledSmallSquare;FilledVerySmallSquare;Fopf;ForAll;Fouriertrf;Fscr;GJcy;\
GTGT;Gamma;Gammad;Gbreve;Gcedil;Gcirc;Gcy;Gdot;Gfr;Gg;Gopf;GreaterEqual;GreaterEqualLess;\
GreaterFullEqual;GreaterGreater;GreaterLess;GreaterSlantEqual;GreaterTilde;Gscr;Gt;\
HARDcy;Hacek;Hat;Hcirc;Hfr;HilbertSpace;Hopf;HorizontalLine;Hscr;Hstrok;HumpDownHump;\
HumpEqual;IEcy;IJlig;IOcy;IacuteIacute;IcircIcirc;Icy;Idot;Ifr;IgraveIgrave;Im;Imacr;\
ImaginaryI;Implies;Int;Integral;Intersection;InvisibleComma;InvisibleTimes;Iogon;\
Iopf;Iota;Iscr;Itilde;Iukcy;IumlIuml;Jcirc;Jcy;Jfr;Jopf;Jscr;Jsercy;Jukcy;KHcy;KJcy;\
Kappa;Kcedil;Kcy;Kfr;Kopf;Kscr;LJcy;LTLT;Lacute;Lambda;Lang;Laplacetrf;Larr;Lcaron;\
Lcedil;Lcy;LeftAngleBracket;LeftArrow;LeftArrowBar;LeftArrowRightArrow;LeftCeiling;\
LeftDoubleBracket;LeftDownTeeVector;LeftDownVector;LeftDownVectorBar;LeftFloor;LeftRightArrow;\
LeftRightVector;LeftTee;LeftTeeArrow;LeftTeeVector;LeftTriangle;LeftTriangleBar;LeftTriangleEqual;\
LeftUpDownVector;LeftUpTeeVector;LeftUpVector;LeftUpVectorBar;LeftVector;LeftVectorBar;\
Leftarrow;Leftrightarrow;LessEqualGreater;LessFullEqual;LessGreater;LessLess;LessSlantEqual;\
LessTilde;Lfr;Ll;Lleftarrow;Lmidot;LongLeftArrow;LongLeftRightArrow;LongRightArrow;\
Longleftarrow;Longleftrightarrow;Longrightarrow;Lopf;LowerLeftArrow;LowerRightArrow;\
Lscr;Lsh;Lstrok;Lt;Map;Mcy;MediumSpace;Mellintrf;Mfr;MinusPlus;Mopf;Mscr;Mu;NJcy;\
Nacute;Ncaron;Ncedil;Ncy;NegativeMediumSpace;NegativeThickSpace;NegativeThinSpace;\
NegativeVeryThinSpace;NestedGreaterGreater;NestedLessLess;NewLine;Nfr;NoBreak;NonBreakingSpace;\
Nopf;Not;NotCongruent;NotCupCap;NotDoubleVerticalBar;NotElement;NotEqual;NotEqualTilde;\
NotExists;NotGreater;NotGreaterEqual;NotGreaterFullEqual;NotGreaterGreater;NotGreaterLess;\
NotGreaterSlantEqual;NotGreaterTilde;NotHumpDownHump;NotHumpEqual;NotLeftTriangle;\
NotLeftTriangleBar;NotLeftTriangleEqual;NotLess;NotLessEqual;NotLessGreater;NotLessLess;\
NotLessSlantEqual;NotLessTilde;NotNestedGreaterGreater;NotNestedLessLess;NotPrecedes;\
NotPrecedesEqual;NotPrecedesSlantEqual;NotReverseElement;NotRightTriangle;NotRightTriangleBar;\
NotRightTriangleEqual;NotSquareSubset;NotSquareSubsetEqual;NotSquareSuperset;NotSquareSupersetEqual;\
NotSubset;NotSubsetEqual;NotSucceeds;NotSucceedsEqual;NotSucceedsSlantEqual;NotSucceedsTilde;\
NotSuperset;NotSupersetEqual;NotTilde;NotTildeEqual;NotTildeFullEqual;NotTildeTilde;\
NotVerticalBar;Nscr;NtildeNtilde;Nu;OElig;OacuteOacute;OcircOcirc;Ocy;Odblac;Ofr;\
OgraveOgrave;Omacr;Omega;Omicron;Oopf;OpenCurlyDoubleQuote;OpenCurlyQuote;Or;Oscr;\
OslashOslash;OtildeOtilde;Otimes;OumlOuml;OverBar;OverBrace;OverBracket;OverParenthesis;\
PartialD;Pcy;Pfr;Phi;Pi;PlusMinus;Poincareplane;Popf;Pr;Precedes;PrecedesEqual;PrecedesSlantEqual;\
PrecedesTilde;Prime;Product;Proportion;Proportional;Pscr;Psi;QUOTQUOT;Qfr;Qopf;Qscr;\
RBarr;REGREG;Racute;Rang;Rarr;Rarrtl;Rcaron;Rcedil;Rcy;Re;ReverseElement;ReverseEquilibrium;\
ReverseUpEquilibrium;Rfr;Rho;RightAngleBracket;RightArrow;RightArrowBar;RightArrowLeftArrow;\
RightCeiling;RightDoubleBracket;RightDownTeeVector;RightDownVector;RightDownVectorBar;\
RightFloor;RightTee;RightTeeArrow;RightTeeVector;RightTriangle;RightTriangleBar;RightTriangleEqual;\
RightUpDownVector;RightUpTeeVector;RightUpVector;RightUpVectorBar;RightVector;RightVectorBar;\
Rightarrow;Ropf;RoundImplies;Rrightarrow;Rscr;Rsh;RuleDelayed;SHCHcy;SHcy;SOFTcy;\
Sacute;Sc;Scaron;Scedil;Scirc;Scy;Sfr;ShortDownArrow;ShortLeftArrow;ShortRightArrow;\
ShortUpArrow;Sigma;SmallCircle;Sopf;Sqrt;Square;SquareIntersection;SquareSubset;SquareSubsetEqual;\
SquareSuperset;SquareSupersetEqual;SquareUnion;Sscr;Star;Sub;Subset;SubsetEqual;Succeeds;\
SucceedsEqual;SucceedsSlantEqual;SucceedsTilde;SuchThat;Sum;Sup;Superset;SupersetEqual;\
Supset;THORNTHORN;TRADE;TSHcy;TScy;Tab;Tau;Tcaron;Tcedil;Tcy;Tfr;Therefore;Theta;\
ThickSpace;ThinSpace;Tilde;TildeEqual;TildeFullEqual;TildeTilde;Topf;TripleDot;Tscr;\
Tstrok;UacuteUacute;Uarr;Uarrocir;Ubrcy;Ubreve;UcircUcirc;Ucy;Udblac;Ufr;UgraveUgrave;\
Umacr;UnderBar;UnderBrace;UnderBracket;UnderParenthesis;Union;UnionPlus;Uogon;Uopf;\
UpArrow;UpArrowBar;UpArrowDownArrow;UpDownArrow;UpEquilibrium;UpTee;UpTeeArrow;Uparrow;\
Updownarrow;UpperLeftArrow;UpperRightArrow;Upsi;Upsilon;Uring;Uscr;Utilde;UumlUuml;\
VDash;Vbar;Vcy;Vdash;Vdashl;Vee;Verbar;Vert;VerticalBar;VerticalLine;VerticalSeparator;\
VerticalTilde;VeryThinSpace;Vfr;Vopf;Vscr;Vvdash;Wcirc;Wedge;Wfr;Wopf;Wscr;Xfr;Xi;\
Xopf;Xscr;YAcy;YIcy;YUcy;YacuteYacute;Ycirc;Ycy;Yfr;Yopf;Yscr;Yuml;ZHcy;Zacute;Zcaron;\
Zcy;Zdot;ZeroWidthSpace;Zeta;Zfr;Zopf;Zscr;aacuteaacute;abreve;ac;acE;acd;acircacirc;\
acuteacute;acy;aeligaelig;af;afr;agraveagrave;alefsym;aleph;alpha;amacr;amalg;amp\
amp;and;andand;andd;andslope;andv;ang;ange;angle;angmsd;angmsdaa;angmsdab;angmsdac;\
angmsdad;angmsdae;angmsdaf;angmsdag;angmsdah;angrt;angrtvb;angrtvbd;angsph;angst;\
angzarr;aogon;aopf;ap;apE;apacir;ape;apid;apos;approx;approxeq;aringaring;ascr;ast;\
asymp;asympeq;atildeatilde;aumlauml;awconint;awint;bNot;backcong;backepsilon;backprime;\
backsim;backsimeq;barvee;barwed;barwedge;bbrk;bbrktbrk;bcong;bcy;bdquo;becaus;because;\
bemptyv;bepsi;bernou;beta;beth;between;bfr;bigcap;bigcirc;bigcup;bigodot;bigoplus;\
bigotimes;bigsqcup;bigstar;bigtriangledown;bigtriangleup;biguplus;bigvee;bigwedge;\
bkarow;blacklozenge;blacksquare;blacktriangle;blacktriangledown;blacktriangleleft;\
blacktriangleright;blank;blk12;blk14;blk34;block;bne;bnequiv;bnot;bopf;bot;bottom;\
bowtie;boxDL;boxDR;boxDl;boxDr;boxH;boxHD;boxHU;boxHd;boxHu;boxUL;boxUR;boxUl;boxUr;\
boxV;boxVH;boxVL;boxVR;boxVh;boxVl;boxVr;boxbox;boxdL;boxdR;boxdl;boxdr;boxh;boxhD;\
boxhU;boxhd;boxhu;boxminus;boxplus;boxtimes;boxuL;boxuR;boxul;boxur;boxv;boxvH;boxvL;\
boxvR;boxvh;boxvl;boxvr;bprime;breve;brvbarbrvbar;bscr;bsemi;bsim;bsime;bsol;bsolb;\
bsolhsub;bull;bullet;bump;bumpE;bumpe;bumpeq;cacute;cap;capand;capbrcup;capcap;capcup;\
capdot;caps;caret;caron;ccaps;ccaron;ccedilccedil;ccirc;ccups;ccupssm;cdot;cedilcedil;\
cemptyv;centcent;centerdot;cfr;chcy;check;checkmark;chi;cir;cirE;circ;circeq;circlearrowleft;\
circlearrowright;circledR;circledS;circledast;circledcirc;circleddash;cire;cirfnint;\
cirmid;cirscir;clubs;clubsuit;colon;colone;coloneq;comma;commat;comp;compfn;complement;\
complexes;cong;congdot;conint;copf;coprod;copycopy;copysr;crarr;cross;cscr;csub;csube;\
csup;csupe;ctdot;cudarrl;cudarrr;cuepr;cuesc;cularr;cularrp;cup;cupbrcap;cupcap;cupcup;\
cupdot;cupor;cups;curarr;curarrm;curlyeqprec;curlyeqsucc;curlyvee;curlywedge;curren\
curren;curvearrowleft;curvearrowright;cuvee;cuwed;cwconint;cwint;cylcty;dArr;dHar;\
dagger;daleth;darr;dash;dashv;dbkarow;dblac;dcaron;dcy;dd;ddagger;ddarr;ddotseq;deg\
deg;delta;demptyv;dfisht;dfr;dharl;dharr;diam;diamond;diamondsuit;diams;die;digamma;\
disin;div;dividedivide;divideontimes;divonx;djcy;dlcorn;dlcrop;dollar;dopf;dot;doteq;\
doteqdot;dotminus;dotplus;dotsquare;doublebarwedge;downarrow;downdownarrows;downharpoonleft;\
downharpoonright;drbkarow;drcorn;drcrop;dscr;dscy;dsol;dstrok;dtdot;dtri;dtrif;duarr;\
duhar;dwangle;dzcy;dzigrarr;eDDot;eDot;eacuteeacute;easter;ecaron;ecir;ecircecirc;\
ecolon;ecy;edot;ee;efDot;efr;eg;egraveegrave;egs;egsdot;el;elinters;ell;els;elsdot;\
emacr;empty;emptyset;emptyv;emsp13;emsp14;emsp;eng;ensp;eogon;eopf;epar;eparsl;eplus;\
epsi;epsilon;epsiv;eqcirc;eqcolon;eqsim;eqslantgtr;eqslantless;equals;equest;equiv;\
equivDD;eqvparsl;erDot;erarr;escr;esdot;esim;eta;etheth;eumleuml;euro;excl;exist;\
expectation;exponentiale;fallingdotseq;fcy;female;ffilig;fflig;ffllig;ffr;filig;fjlig;\
flat;fllig;fltns;fnof;fopf;forall;fork;forkv;fpartint;frac12frac12;frac13;frac14frac14;\
frac15;frac16;frac18;frac23;frac25;frac34frac34;frac35;frac38;frac45;frac56;frac58;\
frac78;frasl;frown;fscr;gE;gEl;gacute;gamma;gammad;gap;gbreve;gcirc;gcy;gdot;ge;gel;\
geq;geqq;geqslant;ges;gescc;gesdot;gesdoto;gesdotol;gesl;gesles;gfr;gg;ggg;gimel;\
gjcy;gl;glE;gla;glj;gnE;gnap;gnapprox;gne;gneq;gneqq;gnsim;gopf;grave;gscr;gsim;gsime;\
gsiml;gtgt;gtcc;gtcir;gtdot;gtlPar;gtquest;gtrapprox;gtrarr;gtrdot;gtreqless;gtreqqless;\
gtrless;gtrsim;gvertneqq;gvnE;hArr;hairsp;half;hamilt;hardcy;harr;harrcir;harrw;hbar;\
hcirc;hearts;heartsuit;hellip;hercon;hfr;hksearow;hkswarow;hoarr;homtht;hookleftarrow;\
hookrightarrow;hopf;horbar;hscr;hslash;hstrok;hybull;hyphen;iacuteiacute;ic;icirc\
icirc;icy;iecy;iexcliexcl;iff;ifr;igraveigrave;ii;iiiint;iiint;iinfin;iiota;ijlig;\
imacr;image;imagline;imagpart;imath;imof;imped;in;incare;infin;infintie;inodot;int;\
intcal;integers;intercal;intlarhk;intprod;iocy;iogon;iopf;iota;iprod;iquestiquest;\
iscr;isin;isinE;isindot;isins;isinsv;isinv;it;itilde;iukcy;iumliuml;jcirc;jcy;jfr;\
jmath;jopf;jscr;jsercy;jukcy;kappa;kappav;kcedil;kcy;kfr;kgreen;khcy;kjcy;kopf;kscr;\
lAarr;lArr;lAtail;lBarr;lE;lEg;lHar;lacute;laemptyv;lagran;lambda;lang;langd;langle;\
lap;laquolaquo;larr;larrb;larrbfs;larrfs;larrhk;larrlp;larrpl;larrsim;larrtl;lat;\
latail;late;lates;lbarr;lbbrk;lbrace;lbrack;lbrke;lbrksld;lbrkslu;lcaron;lcedil;lceil;\
lcub;lcy;ldca;ldquo;ldquor;ldrdhar;ldrushar;ldsh;le;leftarrow;leftarrowtail;leftharpoondown;\
leftharpoonup;leftleftarrows;leftrightarrow;leftrightarrows;leftrightharpoons;leftrightsquigarrow;\
leftthreetimes;leg;leq;leqq;leqslant;les;lescc;lesdot;lesdoto;lesdotor;lesg;lesges;\
lessapprox;lessdot;lesseqgtr;lesseqqgtr;lessgtr;lesssim;lfisht;lfloor;lfr;lg;lgE;\
lhard;lharu;lharul;lhblk;ljcy;ll;llarr;llcorner;llhard;lltri;lmidot;lmoust;lmoustache;\
lnE;lnap;lnapprox;lne;lneq;lneqq;lnsim;loang;loarr;lobrk;longleftarrow;longleftrightarrow;\
longmapsto;longrightarrow;looparrowleft;looparrowright;lopar;lopf;loplus;lotimes;\
lowast;lowbar;loz;lozenge;lozf;lpar;lparlt;lrarr;lrcorner;lrhar;lrhard;lrm;lrtri;\
lsaquo;lscr;lsh;lsim;lsime;lsimg;lsqb;lsquo;lsquor;lstrok;ltlt;ltcc;ltcir;ltdot;lthree;\
ltimes;ltlarr;ltquest;ltrPar;ltri;ltrie;ltrif;lurdshar;luruhar;lvertneqq;lvnE;mDDot;\
macrmacr;male;malt;maltese;map;mapsto;mapstodown;mapstoleft;mapstoup;marker;mcomma;\
mcy;mdash;measuredangle;mfr;mho;micromicro;mid;midast;midcir;middotmiddot;minus;minusb;\
minusd;minusdu;mlcp;mldr;mnplus;models;mopf;mp;mscr;mstpos;mu;multimap;mumap;nGg;\
nGt;nGtv;nLeftarrow;nLeftrightarrow;nLl;nLt;nLtv;nRightarrow;nVDash;nVdash;nabla;\
nacute;nang;nap;napE;napid;napos;napprox;natur;natural;naturals;nbspnbsp;nbump;nbumpe;\
ncap;ncaron;ncedil;ncong;ncongdot;ncup;ncy;ndash;ne;neArr;nearhk;nearr;nearrow;nedot;\
nequiv;nesear;nesim;nexist;nexists;nfr;ngE;nge;ngeq;ngeqq;ngeqslant;nges;ngsim;ngt;\
ngtr;nhArr;nharr;nhpar;ni;nis;nisd;niv;njcy;nlArr;nlE;nlarr;nldr;nle;nleftarrow;nleftrightarrow;\
nleq;nleqq;nleqslant;nles;nless;nlsim;nlt;nltri;nltrie;nmid;nopf;notnot;notin;notinE;\
notindot;notinva;notinvb;notinvc;notni;notniva;notnivb;notnivc;npar;nparallel;nparsl;\
npart;npolint;npr;nprcue;npre;nprec;npreceq;nrArr;nrarr;nrarrc;nrarrw;nrightarrow;\
nrtri;nrtrie;nsc;nsccue;nsce;nscr;nshortmid;nshortparallel;nsim;nsime;nsimeq;nsmid;\
nspar;nsqsube;nsqsupe;nsub;nsubE;nsube;nsubset;nsubseteq;nsubseteqq;nsucc;nsucceq;\
nsup;nsupE;nsupe;nsupset;nsupseteq;nsupseteqq;ntgl;ntildentilde;ntlg;ntriangleleft;\
ntrianglelefteq;ntriangleright;ntrianglerighteq;nu;num;numero;numsp;nvDash;nvHarr;\
nvap;nvdash;nvge;nvgt;nvinfin;nvlArr;nvle;nvlt;nvltrie;nvrArr;nvrtrie;nvsim;nwArr;\
nwarhk;nwarr;nwarrow;nwnear;oS;oacuteoacute;oast;ocir;ocircocirc;ocy;odash;odblac;\
odiv;odot;odsold;oelig;ofcir;ofr;ogon;ograveograve;ogt;ohbar;ohm;oint;olarr;olcir;\
olcross;oline;olt;omacr;omega;omicron;omid;ominus;oopf;opar;operp;oplus;or;orarr;\
ord;order;orderof;ordfordf;ordmordm;origof;oror;orslope;orv;oscr;oslashoslash;osol;\
otildeotilde;otimes;otimesas;oumlouml;ovbar;par;parapara;parallel;parsim;parsl;part;\
pcy;percnt;period;permil;perp;pertenk;pfr;phi;phiv;phmmat;phone;pi;pitchfork;piv;\
planck;planckh;plankv;plus;plusacir;plusb;pluscir;plusdo;plusdu;pluse;plusmnplusmn;\
plussim;plustwo;pm;pointint;popf;poundpound;pr;prE;prap;prcue;pre;prec;precapprox;\
preccurlyeq;preceq;precnapprox;precneqq;precnsim;precsim;prime;primes;prnE;prnap;\
prnsim;prod;profalar;profline;profsurf;prop;propto;prsim;prurel;pscr;psi;puncsp;qfr;\
qint;qopf;qprime;qscr;quaternions;quatint;quest;questeq;quotquot;rAarr;rArr;rAtail;\
rBarr;rHar;race;racute;radic;raemptyv;rang;rangd;range;rangle;raquoraquo;rarr;rarrap;\
rarrb;rarrbfs;rarrc;rarrfs;rarrhk;rarrlp;rarrpl;rarrsim;rarrtl;rarrw;ratail;ratio;\
rationals;rbarr;rbbrk;rbrace;rbrack;rbrke;rbrksld;rbrkslu;rcaron;rcedil;rceil;rcub;\
rcy;rdca;rdldhar;rdquo;rdquor;rdsh;real;realine;realpart;reals;rect;regreg;rfisht;\
rfloor;rfr;rhard;rharu;rharul;rho;rhov;rightarrow;rightarrowtail;rightharpoondown;\
rightharpoonup;rightleftarrows;rightleftharpoons;rightrightarrows;rightsquigarrow;\
rightthreetimes;ring;risingdotseq;rlarr;rlhar;rlm;rmoust;rmoustache;rnmid;roang;roarr;\
robrk;ropar;ropf;roplus;rotimes;rpar;rpargt;rppolint;rrarr;rsaquo;rscr;rsh;rsqb;rsquo;\
rsquor;rthree;rtimes;rtri;rtrie;rtrif;rtriltri;ruluhar;rx;sacute;sbquo;sc;scE;scap;\
scaron;sccue;sce;scedil;scirc;scnE;scnap;scnsim;scpolint;scsim;scy;sdot;sdotb;sdote;\
seArr;searhk;searr;searrow;sectsect;semi;seswar;setminus;setmn;sext;sfr;sfrown;sharp;\
shchcy;shcy;shortmid;shortparallel;shyshy;sigma;sigmaf;sigmav;sim;simdot;sime;simeq;\
simg;simgE;siml;simlE;simne;simplus;simrarr;slarr;smallsetminus;smashp;smeparsl;smid;\
smile;smt;smte;smtes;softcy;sol;solb;solbar;sopf;spades;spadesuit;spar;sqcap;sqcaps;\
sqcup;sqcups;sqsub;sqsube;sqsubset;sqsubseteq;sqsup;sqsupe;sqsupset;sqsupseteq;squ;\
square;squarf;squf;srarr;sscr;ssetmn;ssmile;sstarf;star;starf;straightepsilon;straightphi;\
strns;sub;subE;subdot;sube;subedot;submult;subnE;subne;subplus;subrarr;subset;subseteq;\
subseteqq;subsetneq;subsetneqq;subsim;subsub;subsup;succ;succapprox;succcurlyeq;succeq;\
succnapprox;succneqq;succnsim;succsim;sum;sung;sup1sup1;sup2sup2;sup3sup3;sup;supE;\
supdot;supdsub;supe;supedot;suphsol;suphsub;suplarr;supmult;supnE;supne;supplus;supset;\
supseteq;supseteqq;supsetneq;supsetneqq;supsim;supsub;supsup;swArr;swarhk;swarr;swarrow;\
swnwar;szligszlig;target;tau;tbrk;tcaron;tcedil;tcy;tdot;telrec;tfr;there4;therefore;\
theta;thetasym;thetav;thickapprox;thicksim;thinsp;thkap;thksim;thornthorn;tilde;times\
times;timesb;timesbar;timesd;tint;toea;top;topbot;topcir;topf;topfork;tosa;tprime;\
trade;triangle;triangledown;triangleleft;trianglelefteq;triangleq;triangleright;trianglerighteq;\
tridot;trie;triminus;triplus;trisb;tritime;trpezium;tscr;tscy;tshcy;tstrok;twixt;\
twoheadleftarrow;twoheadrightarrow;uArr;uHar;uacuteuacute;uarr;ubrcy;ubreve;ucirc\
ucirc;ucy;udarr;udblac;udhar;ufisht;ufr;ugraveugrave;uharl;uharr;uhblk;ulcorn;ulcorner;\
ulcrop;ultri;umacr;umluml;uogon;uopf;uparrow;updownarrow;upharpoonleft;upharpoonright;\
uplus;upsi;upsih;upsilon;upuparrows;urcorn;urcorner;urcrop;uring;urtri;uscr;utdot;\
utilde;utri;utrif;uuarr;uumluuml;uwangle;vArr;vBar;vBarv;vDash;vangrt;varepsilon;\
varkappa;varnothing;varphi;varpi;varpropto;varr;varrho;varsigma;varsubsetneq;varsubsetneqq;\
varsupsetneq;varsupsetneqq;vartheta;vartriangleleft;vartriangleright;vcy;vdash;vee;\
veebar;veeeq;vellip;verbar;vert;vfr;vltri;vnsub;vnsup;vopf;vprop;vrtri;vscr;vsubnE;\
vsubne;vsupnE;vsupne;vzigzag;wcirc;wedbar;wedge;wedgeq;weierp;wfr;wopf;wp;wr;wreath;\
wscr;xcap;xcirc;xcup;xdtri;xfr;xhArr;xharr;xi;xlArr;xlarr;xmap;xnis;xodot;xopf;xoplus;\
xotime;xrArr;xrarr;xscr;xsqcup;xuplus;xutri;xvee;xwedge;yacuteyacute;yacy;ycirc;ycy;\
yenyen;yfr;yicy;yopf;yscr;yucy;yumlyuml;zacute;zcaron;zcy;zdot;zeetrf;zeta;zfr;zhcy;\
zigrarr;zopf;zscr;zwj;zwnj;";

pub(super) const ENDS: [u16; 2231] = [
    5, 11, 14, 18, 24, 31, 38, 43, 49, 53, 57, 63, 70, 76, 82, 86, 92, 97, 111, 116, 122, 127,
    134, 140, 147, 151, 156, 166, 171, 178, 182, 190, 201, 206, 210, 215, 221, 226, 233, 238,
    242, 247, 254, 258, 279, 287, 294, 300, 307, 313, 321, 326, 334, 344, 348, 352, 362, 374,
    385, 397, 422, 444, 460, 466, 473, 483, 490, 506, 511, 521, 553, 559, 564, 568, 575, 578,
    587, 592, 597, 602, 609, 614, 620, 627, 631, 635, 641, 645, 662, 677, 700, 717, 734, 742,
    756, 761, 765, 772, 781, 803, 813, 829, 845, 866, 880, 900, 925, 946, 963, 978, 992, 1010,
    1028, 1038, 1051, 1068, 1078, 1098, 1116, 1131, 1149, 1168, 1184, 1203, 1211, 1224, 1234,
    1239, 1246, 1250, 1253, 1257, 1263, 1270, 1277, 1282, 1288, 1292, 1297, 1301, 1307, 1314,
    1322, 1328, 1345, 1366, 1372, 1377, 1385, 1391, 1402, 1414, 1419, 1424, 1428, 1432, 1437,
    1444, 1457, 1461, 1465, 1483, 1505, 1510, 1517, 1528, 1533, 1538, 1540, 1543, 1549, 1556,
    1563, 1570, 1576, 1580, 1585, 1589, 1592, 1597, 1610, 1627, 1644, 1659, 1671, 1689, 1702,
    1707, 1710, 1717, 1723, 1727, 1733, 1737, 1750, 1755, 1770, 1775, 1782, 1795, 1805, 1810,
    1816, 1821, 1827, 1834, 1839, 1845, 1849, 1854, 1858, 1864, 1871, 1874, 1880, 1891, 1899,
    1903, 1912, 1925, 1940, 1955, 1961, 1966, 1971, 1976, 1983, 1989, 1993, 1998, 2004, 2008,
    2012, 2017, 2022, 2029, 2035, 2040, 2045, 2051, 2058, 2062, 2066, 2071, 2076, 2081, 2083,
    2086, 2093, 2100, 2105, 2116, 2121, 2128, 2135, 2139, 2156, 2166, 2179, 2199, 2211, 2229,
    2247, 2262, 2280, 2290, 2305, 2321, 2329, 2342, 2356, 2369, 2385, 2403, 2420, 2436, 2449,
    2465, 2476, 2490, 2500, 2515, 2532, 2546, 2558, 2567, 2582, 2592, 2596, 2599, 2610, 2617,
    2631, 2650, 2665, 2679, 2698, 2713, 2718, 2733, 2749, 2754, 2758, 2765, 2768, 2772, 2776,
    2788, 2798, 2802, 2812, 2817, 2822, 2825, 2830, 2837, 2844, 2851, 2855, 2875, 2894, 2912,
    2934, 2955, 2970, 2978, 2982, 2990, 3007, 3012, 3016, 3029, 3039, 3060, 3071, 3080, 3094,
    3104, 3115, 3131, 3151, 3169, 3184, 3205, 3221, 3237, 3250, 3266, 3285, 3306, 3314, 3327,
    3342, 3354, 3372, 3385, 3409, 3427, 3439, 3456, 3478, 3496, 3513, 3533, 3555, 3571, 3592,
    3610, 3633, 3643, 3658, 3670, 3687, 3709, 3726, 3738, 3755, 3764, 3778, 3796, 3810, 3825,
    3830, 3836, 3843, 3846, 3852, 3858, 3865, 3870, 3876, 3880, 3887, 3891, 3897, 3904, 3910,
    3916, 3924, 3929, 3950, 3965, 3968, 3973, 3979, 3986, 3992, 3999, 4006, 4010, 4015, 4023,
    4033, 4045, 4061, 4070, 4074, 4078, 4082, 4085, 4095, 4109, 4114, 4117, 4126, 4140, 4159,
    4173, 4179, 4187, 4198, 4211, 4216, 4220, 4224, 4229, 4233, 4238, 4243, 4249, 4252, 4256,
    4263, 4268, 4273, 4280, 4287, 4294, 4298, 4301, 4316, 4335, 4356, 4360, 4364, 4382, 4393,
    4407, 4427, 4440, 4459, 4478, 4494, 4513, 4524, 4533, 4547, 4562, 4576, 4593, 4612, 4630,
    4647, 4661, 4678, 4690, 4705, 4716, 4721, 4734, 4746, 4751, 4755, 4767, 4774, 4779, 4786,
    4793, 4796, 4803, 4810, 4816, 4820, 4824, 4839, 4854, 4870, 4883, 4889, 4901, 4906, 4911,
    4918, 4937, 4950, 4968, 4983, 5003, 5015, 5020, 5025, 5029, 5036, 5048, 5057, 5071, 5090,
    5104, 5113, 5117, 5121, 5130, 5144, 5151, 5156, 5162, 5168, 5174, 5179, 5183, 5187, 5194,
    5201, 5205, 5209, 5219, 5225, 5236, 5246, 5252, 5263, 5278, 5289, 5294, 5304, 5309, 5316,
    5322, 5329, 5334, 5343, 5349, 5356, 5361, 5367, 5371, 5378, 5382, 5388, 5395, 5401, 5410,
    5421, 5434, 5451, 5457, 5467, 5473, 5478, 5486, 5497, 5514, 5526, 5540, 5546, 5557, 5565,
    5577, 5592, 5608, 5613, 5621, 5627, 5632, 5639, 5643, 5648, 5654, 5659, 5663, 5669, 5676,
    5680, 5687, 5692, 5704, 5717, 5735, 5749, 5763, 5767, 5772, 5777, 5784, 5790, 5796, 5800,
    5805, 5810, 5814, 5817, 5822, 5827, 5832, 5837, 5842, 5848, 5855, 5861, 5865, 5869, 5874,
    5879, 5884, 5889, 5896, 5903, 5907, 5912, 5927, 5932, 5936, 5941, 5946, 5952, 5959, 5966,
    5969, 5973, 5977, 5982, 5988, 5993, 5999, 6003, 6008, 6014, 6017, 6021, 6027, 6034, 6042,
    6048, 6054, 6060, 6066, 6069, 6073, 6077, 6084, 6089, 6098, 6103, 6107, 6112, 6118, 6125,
    6134, 6143, 6152, 6161, 6170, 6179, 6188, 6197, 6203, 6211, 6220, 6227, 6233, 6241, 6247,
    6252, 6255, 6259, 6266, 6270, 6275, 6280, 6287, 6296, 6301, 6307, 6312, 6316, 6322, 6330,
    6336, 6343, 6347, 6352, 6361, 6367, 6372, 6381, 6393, 6403, 6411, 6421, 6428, 6435, 6444,
    6449, 6458, 6464, 6468, 6474, 6481, 6489, 6497, 6503, 6510, 6515, 6520, 6528, 6532, 6539,
    6547, 6554, 6562, 6571, 6581, 6590, 6598, 6614, 6628, 6637, 6644, 6653, 6660, 6673, 6685,
    6699, 6717, 6735, 6754, 6760, 6766, 6772, 6778, 6784, 6788, 6796, 6801, 6806, 6810, 6817,
    6824, 6830, 6836, 6842, 6848, 6853, 6859, 6865, 6871, 6877, 6883, 6889, 6895, 6901, 6906,
    6912, 6918, 6924, 6930, 6936, 6942, 6949, 6955, 6961, 6967, 6973, 6978, 6984, 6990, 6996,
    7002, 7011, 7019, 7028, 7034, 7040, 7046, 7052, 7057, 7063, 7069, 7075, 7081, 7087, 7093,
    7100, 7106, 7112, 7119, 7124, 7130, 7135, 7141, 7146, 7152, 7161, 7166, 7173, 7178, 7184,
    7190, 7197, 7204, 7208, 7215, 7224, 7231, 7238, 7245, 7250, 7256, 7262, 7268, 7275, 7281,
    7288, 7294, 7300, 7308, 7313, 7318, 7324, 7332, 7336, 7341, 7351, 7355, 7360, 7366, 7376,
    7380, 7384, 7389, 7394, 7401, 7417, 7434, 7443, 7452, 7463, 7475, 7487, 7492, 7501, 7508,
    7516, 7522, 7531, 7537, 7544, 7552, 7558, 7565, 7570, 7577, 7588, 7598, 7603, 7611, 7618,
    7623, 7630, 7634, 7639, 7646, 7652, 7658, 7663, 7668, 7674, 7679, 7685, 7691, 7699, 7707,
    7713, 7719, 7726, 7734, 7738, 7747, 7754, 7761, 7768, 7774, 7779, 7786, 7794, 7806, 7818,
    7827, 7838, 7844, 7851, 7866, 7882, 7888, 7894, 7903, 7909, 7916, 7921, 7926, 7933, 7940,
    7945, 7950, 7956, 7964, 7970, 7977, 7981, 7984, 7992, 7998, 8006, 8009, 8013, 8019, 8027,
    8034, 8038, 8044, 8050, 8055, 8063, 8075, 8081, 8085, 8093, 8099, 8103, 8109, 8116, 8130,
    8137, 8142, 8149, 8156, 8163, 8168, 8172, 8178, 8187, 8196, 8204, 8214, 8229, 8239, 8254,
    8270, 8287, 8296, 8303, 8310, 8315, 8320, 8325, 8332, 8338, 8343, 8349, 8355, 8361, 8369,
    8374, 8383, 8389, 8394, 8400, 8407, 8414, 8421, 8426, 8431, 8437, 8444, 8448, 8453, 8456,
    8462, 8466, 8469, 8475, 8482, 8486, 8493, 8496, 8505, 8509, 8513, 8520, 8526, 8532, 8541,
    8548, 8555, 8562, 8567, 8571, 8576, 8582, 8587, 8592, 8599, 8605, 8610, 8618, 8624, 8631,
    8639, 8645, 8656, 8668, 8675, 8682, 8688, 8696, 8705, 8711, 8717, 8722, 8728, 8733, 8737,
    8740, 8744, 8748, 8753, 8758, 8763, 8769, 8781, 8794, 8808, 8812, 8819, 8826, 8832, 8839,
    8843, 8849, 8855, 8860, 8866, 8872, 8877, 8882, 8889, 8894, 8900, 8909, 8915, 8922, 8929,
    8935, 8942, 8949, 8956, 8963, 8970, 8977, 8983, 8990, 8997, 9004, 9011, 9018, 9025, 9032,
    9038, 9044, 9049, 9052, 9056, 9063, 9069, 9076, 9080, 9087, 9093, 9097, 9102, 9105, 9109,
    9113, 9118, 9127, 9131, 9137, 9144, 9152, 9161, 9166, 9173, 9177, 9180, 9184, 9190, 9195,
    9198, 9202, 9206, 9210, 9214, 9219, 9228, 9232, 9237, 9243, 9249, 9254, 9260, 9265, 9270,
    9276, 9282, 9284, 9287, 9292, 9298, 9304, 9311, 9319, 9329, 9336, 9343, 9353, 9364, 9372,
    9379, 9389, 9394, 9399, 9406, 9411, 9418, 9425, 9430, 9438, 9444, 9449, 9455, 9462, 9472,
    9479, 9486, 9490, 9499, 9508, 9514, 9521, 9535, 9550, 9555, 9562, 9567, 9574, 9581, 9588,
    9595, 9601, 9608, 9611, 9616, 9622, 9626, 9631, 9636, 9642, 9646, 9650, 9656, 9663, 9666,
    9673, 9679, 9686, 9692, 9698, 9704, 9710, 9719, 9728, 9734, 9739, 9745, 9748, 9755, 9761,
    9770, 9777, 9781, 9788, 9797, 9806, 9815, 9823, 9828, 9834, 9839, 9844, 9850, 9856, 9863,
    9868, 9873, 9879, 9887, 9893, 9900, 9906, 9909, 9916, 9922, 9926, 9931, 9937, 9941, 9945,
    9951, 9956, 9961, 9968, 9974, 9980, 9987, 9994, 9998, 10002, 10009, 10014, 10019, 10024,
    10029, 10035, 10040, 10047, 10053, 10056, 10060, 10065, 10072, 10081, 10088, 10095, 10100,
    10106, 10113, 10117, 10122, 10128, 10133, 10139, 10147, 10154, 10161, 10168, 10175, 10183,
    10190, 10194, 10201, 10206, 10212, 10218, 10224, 10231, 10238, 10244, 10252, 10260, 10267,
    10274, 10280, 10285, 10289, 10294, 10300, 10307, 10315, 10324, 10329, 10332, 10342, 10356,
    10372, 10386, 10401, 10416, 10432, 10450, 10470, 10485, 10489, 10493, 10498, 10507, 10511,
    10517, 10524, 10532, 10541, 10546, 10553, 10564, 10572, 10582, 10593, 10601, 10609, 10616,
    10623, 10627, 10630, 10634, 10640, 10646, 10653, 10659, 10664, 10667, 10673, 10682, 10689,
    10695, 10702, 10709, 10720, 10724, 10729, 10738, 10742, 10747, 10753, 10759, 10765, 10771,
    10777, 10791, 10810, 10821, 10836, 10850, 10865, 10871, 10876, 10883, 10891, 10898, 10905,
    10909, 10917, 10922, 10927, 10934, 10940, 10949, 10955, 10962, 10966, 10972, 10979, 10984,
    10988, 10993, 10999, 11005, 11010, 11016, 11023, 11030, 11032, 11035, 11040, 11046, 11052,
    11059, 11066, 11073, 11081, 11088, 11093, 11099, 11105, 11114, 11122, 11132, 11137, 11143,
    11147, 11152, 11157, 11162, 11170, 11174, 11181, 11192, 11203, 11212, 11219, 11226, 11230,
    11236, 11250, 11254, 11258, 11263, 11269, 11273, 11280, 11287, 11293, 11300, 11306, 11313,
    11320, 11328, 11333, 11338, 11345, 11352, 11357, 11360, 11365, 11372, 11375, 11384, 11390,
    11394, 11398, 11403, 11414, 11430, 11434, 11438, 11443, 11455, 11462, 11469, 11475, 11482,
    11487, 11491, 11496, 11502, 11508, 11516, 11522, 11530, 11539, 11543, 11548, 11554, 11561,
    11566, 11573, 11580, 11586, 11595, 11600, 11604, 11610, 11613, 11619, 11626, 11632, 11640,
    11646, 11653, 11660, 11666, 11673, 11681, 11685, 11689, 11693, 11698, 11704, 11714, 11719,
    11725, 11729, 11734, 11740, 11746, 11752, 11755, 11759, 11764, 11768, 11773, 11779, 11783,
    11789, 11794, 11798, 11809, 11825, 11830, 11836, 11846, 11851, 11857, 11863, 11867, 11873,
    11880, 11885, 11890, 11893, 11897, 11903, 11910, 11919, 11927, 11935, 11943, 11949, 11957,
    11965, 11973, 11978, 11988, 11995, 12001, 12009, 12013, 12020, 12025, 12031, 12039, 12045,
    12051, 12058, 12065, 12077, 12083, 12090, 12094, 12101, 12106, 12111, 12121, 12136, 12141,
    12147, 12154, 12160, 12166, 12174, 12182, 12187, 12193, 12199, 12207, 12217, 12228, 12234,
    12242, 12247, 12253, 12259, 12267, 12277, 12288, 12293, 12299, 12306, 12311, 12325, 12341,
    12356, 12373, 12376, 12380, 12387, 12393, 12400, 12407, 12412, 12419, 12424, 12429, 12437,
    12444, 12449, 12454, 12462, 12469, 12477, 12483, 12489, 12496, 12502, 12510, 12517, 12520,
    12526, 12533, 12538, 12543, 12548, 12554, 12558, 12564, 12571, 12576, 12581, 12588, 12594,
    12600, 12604, 12609, 12615, 12622, 12626, 12632, 12636, 12641, 12647, 12653, 12661, 12667,
    12671, 12677, 12683, 12691, 12696, 12703, 12708, 12713, 12719, 12725, 12728, 12734, 12738,
    12744, 12752, 12756, 12761, 12765, 12770, 12777, 12782, 12790, 12794, 12799, 12805, 12812,
    12817, 12823, 12830, 12837, 12846, 12850, 12855, 12861, 12865, 12869, 12874, 12883, 12890,
    12896, 12901, 12905, 12912, 12919, 12926, 12931, 12939, 12943, 12947, 12952, 12959, 12965,
    12968, 12978, 12982, 12989, 12997, 13004, 13009, 13018, 13024, 13032, 13039, 13046, 13052,
    13058, 13065, 13073, 13081, 13084, 13093, 13098, 13103, 13109, 13112, 13116, 13121, 13127,
    13131, 13136, 13147, 13159, 13166, 13178, 13187, 13196, 13204, 13210, 13217, 13222, 13228,
    13235, 13240, 13249, 13258, 13267, 13272, 13279, 13285, 13292, 13297, 13301, 13308, 13312,
    13317, 13322, 13329, 13334, 13346, 13354, 13360, 13368, 13372, 13377, 13383, 13388, 13395,
    13401, 13406, 13411, 13418, 13424, 13433, 13438, 13444, 13450, 13457, 13462, 13468, 13473,
    13480, 13486, 13494, 13500, 13507, 13514, 13521, 13528, 13536, 13543, 13549, 13556, 13562,
    13572, 13578, 13584, 13591, 13598, 13604, 13612, 13620, 13627, 13634, 13640, 13645, 13649,
    13654, 13662, 13668, 13675, 13680, 13685, 13693, 13702, 13708, 13713, 13716, 13720, 13727,
    13734, 13738, 13744, 13750, 13757, 13761, 13766, 13777, 13792, 13809, 13824, 13840, 13858,
    13875, 13891, 13907, 13912, 13925, 13931, 13937, 13941, 13948, 13959, 13965, 13971, 13977,
    13983, 13989, 13994, 14001, 14009, 14014, 14021, 14030, 14036, 14043, 14048, 14052, 14057,
    14063, 14070, 14077, 14084, 14089, 14095, 14101, 14110, 14118, 14121, 14128, 14134, 14137,
    14141, 14146, 14153, 14159, 14163, 14170, 14176, 14181, 14187, 14194, 14203, 14209, 14213,
    14218, 14224, 14230, 14236, 14243, 14249, 14257, 14261, 14266, 14271, 14278, 14287, 14293,
    14298, 14302, 14309, 14315, 14322, 14327, 14336, 14350, 14353, 14357, 14363, 14370, 14377,
    14381, 14388, 14393, 14399, 14404, 14410, 14415, 14421, 14427, 14435, 14443, 14449, 14463,
    14470, 14479, 14484, 14490, 14494, 14499, 14505, 14512, 14516, 14521, 14528, 14533, 14540,
    14550, 14555, 14561, 14568, 14574, 14581, 14587, 14594, 14603, 14614, 14620, 14627, 14636,
    14647, 14651, 14658, 14665, 14670, 14676, 14681, 14688, 14695, 14702, 14707, 14713, 14729,
    14741, 14747, 14751, 14756, 14763, 14768, 14776, 14784, 14790, 14796, 14804, 14812, 14819,
    14828, 14838, 14848, 14859, 14866, 14873, 14880, 14885, 14896, 14908, 14915, 14927, 14936,
    14945, 14953, 14957, 14962, 14966, 14971, 14975, 14980, 14984, 14989, 14993, 14998, 15005,
    15013, 15018, 15026, 15034, 15042, 15050, 15058, 15064, 15070, 15078, 15085, 15094, 15104,
    15114, 15125, 15132, 15139, 15146, 15152, 15159, 15165, 15173, 15180, 15185, 15191, 15198,
    15202, 15207, 15214, 15221, 15225, 15230, 15237, 15241, 15248, 15258, 15264, 15273, 15280,
    15292, 15301, 15308, 15314, 15321, 15326, 15332, 15338, 15343, 15349, 15356, 15365, 15372,
    15377, 15382, 15386, 15393, 15400, 15405, 15413, 15418, 15425, 15431, 15440, 15453, 15466,
    15481, 15491, 15505, 15521, 15528, 15533, 15542, 15550, 15556, 15564, 15573, 15578, 15583,
    15589, 15596, 15602, 15619, 15637, 15642, 15647, 15653, 15660, 15665, 15671, 15678, 15683,
    15689, 15693, 15699, 15706, 15712, 15719, 15723, 15729, 15736, 15742, 15748, 15754, 15761,
    15770, 15777, 15783, 15789, 15792, 15796, 15802, 15807, 15815, 15827, 15841, 15856, 15862,
    15867, 15873, 15881, 15892, 15899, 15908, 15915, 15921, 15927, 15932, 15938, 15945, 15950,
    15956, 15962, 15966, 15971, 15979, 15984, 15989, 15995, 16001, 16008, 16019, 16028, 16039,
    16046, 16052, 16062, 16067, 16074, 16083, 16096, 16110, 16123, 16137, 16146, 16162, 16179,
    16183, 16189, 16193, 16200, 16206, 16213, 16220, 16225, 16229, 16235, 16241, 16247, 16252,
    16258, 16264, 16269, 16276, 16283, 16290, 16297, 16305, 16311, 16318, 16324, 16331, 16338,
    16342, 16347, 16350, 16353, 16360, 16365, 16370, 16376, 16381, 16387, 16391, 16397, 16403,
    16406, 16412, 16418, 16423, 16428, 16434, 16439, 16446, 16453, 16459, 16465, 16470, 16477,
    16484, 16490, 16495, 16502, 16508, 16515, 16520, 16526, 16530, 16533, 16537, 16541, 16546,
    16551, 16556, 16561, 16565, 16570, 16577, 16584, 16588, 16593, 16600, 16605, 16609, 16614,
    16622, 16627, 16632, 16636, 16641,
];

pub(super) const CODES: [u32; 2231] = [
    0xc6, 0xc6, 0x26, 0x26, 0xc1, 0xc1, 0x102, 0xc2, 0xc2, 0x410, 0x1d504, 0xc0, 0xc0, 0x391,
    0x100, 0x2a53, 0x104, 0x1d538, 0x2061, 0xc5, 0xc5, 0x1d49c, 0x2254, 0xc3, 0xc3, 0xc4, 0xc4,
    0x2216, 0x2ae7, 0x2306, 0x411, 0x2235, 0x212c, 0x392, 0x1d505, 0x1d539, 0x2d8, 0x212c,
    0x224e, 0x427, 0xa9, 0xa9, 0x106, 0x22d2, 0x2145, 0x212d, 0x10c, 0xc7, 0xc7, 0x108, 0x2230,
    0x10a, 0xb8, 0xb7, 0x212d, 0x3a7, 0x2299, 0x2296, 0x2295, 0x2297, 0x2232, 0x201d, 0x2019,
    0x2237, 0x2a74, 0x2261, 0x222f, 0x222e, 0x2102, 0x2210, 0x2233, 0x2a2f, 0x1d49e, 0x22d3,
    0x224d, 0x2145, 0x2911, 0x402, 0x405, 0x40f, 0x2021, 0x21a1, 0x2ae4, 0x10e, 0x414, 0x2207,
    0x394, 0x1d507, 0xb4, 0x2d9, 0x2dd, 0x60, 0x2dc, 0x22c4, 0x2146, 0x1d53b, 0xa8, 0x20dc,
    0x2250, 0x222f, 0xa8, 0x21d3, 0x21d0, 0x21d4, 0x2ae4, 0x27f8, 0x27fa, 0x27f9, 0x21d2,
    0x22a8, 0x21d1, 0x21d5, 0x2225, 0x2193, 0x2913, 0x21f5, 0x311, 0x2950, 0x295e, 0x21bd,
    0x2956, 0x295f, 0x21c1, 0x2957, 0x22a4, 0x21a7, 0x21d3, 0x1d49f, 0x110, 0x14a, 0xd0, 0xd0,
    0xc9, 0xc9, 0x11a, 0xca, 0xca, 0x42d, 0x116, 0x1d508, 0xc8, 0xc8, 0x2208, 0x112, 0x25fb,
    0x25ab, 0x118, 0x1d53c, 0x395, 0x2a75, 0x2242, 0x21cc, 0x2130, 0x2a73, 0x397, 0xcb, 0xcb,
    0x2203, 0x2147, 0x424, 0x1d509, 0x25fc, 0x25aa, 0x1d53d, 0x2200, 0x2131, 0x2131, 0x403,
    0x3e, 0x3e, 0x393, 0x3dc, 0x11e, 0x122, 0x11c, 0x413, 0x120, 0x1d50a, 0x22d9, 0x1d53e,
    0x2265, 0x22db, 0x2267, 0x2aa2, 0x2277, 0x2a7e, 0x2273, 0x1d4a2, 0x226b, 0x42a, 0x2c7, 0x5e,
    0x124, 0x210c, 0x210b, 0x210d, 0x2500, 0x210b, 0x126, 0x224e, 0x224f, 0x415, 0x132, 0x401,
    0xcd, 0xcd, 0xce, 0xce, 0x418, 0x130, 0x2111, 0xcc, 0xcc, 0x2111, 0x12a, 0x2148, 0x21d2,
    0x222c, 0x222b, 0x22c2, 0x2063, 0x2062, 0x12e, 0x1d540, 0x399, 0x2110, 0x128, 0x406, 0xcf,
    0xcf, 0x134, 0x419, 0x1d50d, 0x1d541, 0x1d4a5, 0x408, 0x404, 0x425, 0x40c, 0x39a, 0x136,
    0x41a, 0x1d50e, 0x1d542, 0x1d4a6, 0x409, 0x3c, 0x3c, 0x139, 0x39b, 0x27ea, 0x2112, 0x219e,
    0x13d, 0x13b, 0x41b, 0x27e8, 0x2190, 0x21e4, 0x21c6, 0x2308, 0x27e6, 0x2961, 0x21c3, 0x2959,
    0x230a, 0x2194, 0x294e, 0x22a3, 0x21a4, 0x295a, 0x22b2, 0x29cf, 0x22b4, 0x2951, 0x2960,
    0x21bf, 0x2958, 0x21bc, 0x2952, 0x21d0, 0x21d4, 0x22da, 0x2266, 0x2276, 0x2aa1, 0x2a7d,
    0x2272, 0x1d50f, 0x22d8, 0x21da, 0x13f, 0x27f5, 0x27f7, 0x27f6, 0x27f8, 0x27fa, 0x27f9,
    0x1d543, 0x2199, 0x2198, 0x2112, 0x21b0, 0x141, 0x226a, 0x2905, 0x41c, 0x205f, 0x2133,
    0x1d510, 0x2213, 0x1d544, 0x2133, 0x39c, 0x40a, 0x143, 0x147, 0x145, 0x41d, 0x200b, 0x200b,
    0x200b, 0x200b, 0x226b, 0x226a, 0xa, 0x1d511, 0x2060, 0xa0, 0x2115, 0x2aec, 0x2262, 0x226d,
    0x2226, 0x2209, 0x2260, 0x802242, 0x2204, 0x226f, 0x2271, 0x802267, 0x80226b, 0x2279,
    0x802a7e, 0x2275, 0x80224e, 0x80224f, 0x22ea, 0x8029cf, 0x22ec, 0x226e, 0x2270, 0x2278,
    0x80226a, 0x802a7d, 0x2274, 0x802aa2, 0x802aa1, 0x2280, 0x802aaf, 0x22e0, 0x220c, 0x22eb,
    0x8029d0, 0x22ed, 0x80228f, 0x22e2, 0x802290, 0x22e3, 0xc02282, 0x2288, 0x2281, 0x802ab0,
    0x22e1, 0x80227f, 0xc02283, 0x2289, 0x2241, 0x2244, 0x2247, 0x2249, 0x2224, 0x1d4a9, 0xd1,
    0xd1, 0x39d, 0x152, 0xd3, 0xd3, 0xd4, 0xd4, 0x41e, 0x150, 0x1d512, 0xd2, 0xd2, 0x14c, 0x3a9,
    0x39f, 0x1d546, 0x201c, 0x2018, 0x2a54, 0x1d4aa, 0xd8, 0xd8, 0xd5, 0xd5, 0x2a37, 0xd6, 0xd6,
    0x203e, 0x23de, 0x23b4, 0x23dc, 0x2202, 0x41f, 0x1d513, 0x3a6, 0x3a0, 0xb1, 0x210c, 0x2119,
    0x2abb, 0x227a, 0x2aaf, 0x227c, 0x227e, 0x2033, 0x220f, 0x2237, 0x221d, 0x1d4ab, 0x3a8,
    0x22, 0x22, 0x1d514, 0x211a, 0x1d4ac, 0x2910, 0xae, 0xae, 0x154, 0x27eb, 0x21a0, 0x2916,
    0x158, 0x156, 0x420, 0x211c, 0x220b, 0x21cb, 0x296f, 0x211c, 0x3a1, 0x27e9, 0x2192, 0x21e5,
    0x21c4, 0x2309, 0x27e7, 0x295d, 0x21c2, 0x2955, 0x230b, 0x22a2, 0x21a6, 0x295b, 0x22b3,
    0x29d0, 0x22b5, 0x294f, 0x295c, 0x21be, 0x2954, 0x21c0, 0x2953, 0x21d2, 0x211d, 0x2970,
    0x21db, 0x211b, 0x21b1, 0x29f4, 0x429, 0x428, 0x42c, 0x15a, 0x2abc, 0x160, 0x15e, 0x15c,
    0x421, 0x1d516, 0x2193, 0x2190, 0x2192, 0x2191, 0x3a3, 0x2218, 0x1d54a, 0x221a, 0x25a1,
    0x2293, 0x228f, 0x2291, 0x2290, 0x2292, 0x2294, 0x1d4ae, 0x22c6, 0x22d0, 0x22d0, 0x2286,
    0x227b, 0x2ab0, 0x227d, 0x227f, 0x220b, 0x2211, 0x22d1, 0x2283, 0x2287, 0x22d1, 0xde, 0xde,
    0x2122, 0x40b, 0x426, 0x9, 0x3a4, 0x164, 0x162, 0x422, 0x1d517, 0x2234, 0x398, 0xa0205f,
    0x2009, 0x223c, 0x2243, 0x2245, 0x2248, 0x1d54b, 0x20db, 0x1d4af, 0x166, 0xda, 0xda, 0x219f,
    0x2949, 0x40e, 0x16c, 0xdb, 0xdb, 0x423, 0x170, 0x1d518, 0xd9, 0xd9, 0x16a, 0x5f, 0x23df,
    0x23b5, 0x23dd, 0x22c3, 0x228e, 0x172, 0x1d54c, 0x2191, 0x2912, 0x21c5, 0x2195, 0x296e,
    0x22a5, 0x21a5, 0x21d1, 0x21d5, 0x2196, 0x2197, 0x3d2, 0x3a5, 0x16e, 0x1d4b0, 0x168, 0xdc,
    0xdc, 0x22ab, 0x2aeb, 0x412, 0x22a9, 0x2ae6, 0x22c1, 0x2016, 0x2016, 0x2223, 0x7c, 0x2758,
    0x2240, 0x200a, 0x1d519, 0x1d54d, 0x1d4b1, 0x22aa, 0x174, 0x22c0, 0x1d51a, 0x1d54e, 0x1d4b2,
    0x1d51b, 0x39e, 0x1d54f, 0x1d4b3, 0x42f, 0x407, 0x42e, 0xdd, 0xdd, 0x176, 0x42b, 0x1d51c,
    0x1d550, 0x1d4b4, 0x178, 0x416, 0x179, 0x17d, 0x417, 0x17b, 0x200b, 0x396, 0x2128, 0x2124,
    0x1d4b5, 0xe1, 0xe1, 0x103, 0x223e, 0x60223e, 0x223f, 0xe2, 0xe2, 0xb4, 0xb4, 0x430, 0xe6,
    0xe6, 0x2061, 0x1d51e, 0xe0, 0xe0, 0x2135, 0x2135, 0x3b1, 0x101, 0x2a3f, 0x26, 0x26, 0x2227,
    0x2a55, 0x2a5c, 0x2a58, 0x2a5a, 0x2220, 0x29a4, 0x2220, 0x2221, 0x29a8, 0x29a9, 0x29aa,
    0x29ab, 0x29ac, 0x29ad, 0x29ae, 0x29af, 0x221f, 0x22be, 0x299d, 0x2222, 0xc5, 0x237c, 0x105,
    0x1d552, 0x2248, 0x2a70, 0x2a6f, 0x224a, 0x224b, 0x27, 0x2248, 0x224a, 0xe5, 0xe5, 0x1d4b6,
    0x2a, 0x2248, 0x224d, 0xe3, 0xe3, 0xe4, 0xe4, 0x2233, 0x2a11, 0x2aed, 0x224c, 0x3f6, 0x2035,
    0x223d, 0x22cd, 0x22bd, 0x2305, 0x2305, 0x23b5, 0x23b6, 0x224c, 0x431, 0x201e, 0x2235,
    0x2235, 0x29b0, 0x3f6, 0x212c, 0x3b2, 0x2136, 0x226c, 0x1d51f, 0x22c2, 0x25ef, 0x22c3,
    0x2a00, 0x2a01, 0x2a02, 0x2a06, 0x2605, 0x25bd, 0x25b3, 0x2a04, 0x22c1, 0x22c0, 0x290d,
    0x29eb, 0x25aa, 0x25b4, 0x25be, 0x25c2, 0x25b8, 0x2423, 0x2592, 0x2591, 0x2593, 0x2588,
    0xe0003d, 0xe02261, 0x2310, 0x1d553, 0x22a5, 0x22a5, 0x22c8, 0x2557, 0x2554, 0x2556, 0x2553,
    0x2550, 0x2566, 0x2569, 0x2564, 0x2567, 0x255d, 0x255a, 0x255c, 0x2559, 0x2551, 0x256c,
    0x2563, 0x2560, 0x256b, 0x2562, 0x255f, 0x29c9, 0x2555, 0x2552, 0x2510, 0x250c, 0x2500,
    0x2565, 0x2568, 0x252c, 0x2534, 0x229f, 0x229e, 0x22a0, 0x255b, 0x2558, 0x2518, 0x2514,
    0x2502, 0x256a, 0x2561, 0x255e, 0x253c, 0x2524, 0x251c, 0x2035, 0x2d8, 0xa6, 0xa6, 0x1d4b7,
    0x204f, 0x223d, 0x22cd, 0x5c, 0x29c5, 0x27c8, 0x2022, 0x2022, 0x224e, 0x2aae, 0x224f,
    0x224f, 0x107, 0x2229, 0x2a44, 0x2a49, 0x2a4b, 0x2a47, 0x2a40, 0x1002229, 0x2041, 0x2c7,
    0x2a4d, 0x10d, 0xe7, 0xe7, 0x109, 0x2a4c, 0x2a50, 0x10b, 0xb8, 0xb8, 0x29b2, 0xa2, 0xa2,
    0xb7, 0x1d520, 0x447, 0x2713, 0x2713, 0x3c7, 0x25cb, 0x29c3, 0x2c6, 0x2257, 0x21ba, 0x21bb,
    0xae, 0x24c8, 0x229b, 0x229a, 0x229d, 0x2257, 0x2a10, 0x2aef, 0x29c2, 0x2663, 0x2663, 0x3a,
    0x2254, 0x2254, 0x2c, 0x40, 0x2201, 0x2218, 0x2201, 0x2102, 0x2245, 0x2a6d, 0x222e, 0x1d554,
    0x2210, 0xa9, 0xa9, 0x2117, 0x21b5, 0x2717, 0x1d4b8, 0x2acf, 0x2ad1, 0x2ad0, 0x2ad2, 0x22ef,
    0x2938, 0x2935, 0x22de, 0x22df, 0x21b6, 0x293d, 0x222a, 0x2a48, 0x2a46, 0x2a4a, 0x228d,
    0x2a45, 0x100222a, 0x21b7, 0x293c, 0x22de, 0x22df, 0x22ce, 0x22cf, 0xa4, 0xa4, 0x21b6,
    0x21b7, 0x22ce, 0x22cf, 0x2232, 0x2231, 0x232d, 0x21d3, 0x2965, 0x2020, 0x2138, 0x2193,
    0x2010, 0x22a3, 0x290f, 0x2dd, 0x10f, 0x434, 0x2146, 0x2021, 0x21ca, 0x2a77, 0xb0, 0xb0,
    0x3b4, 0x29b1, 0x297f, 0x1d521, 0x21c3, 0x21c2, 0x22c4, 0x22c4, 0x2666, 0x2666, 0xa8, 0x3dd,
    0x22f2, 0xf7, 0xf7, 0xf7, 0x22c7, 0x22c7, 0x452, 0x231e, 0x230d, 0x24, 0x1d555, 0x2d9,
    0x2250, 0x2251, 0x2238, 0x2214, 0x22a1, 0x2306, 0x2193, 0x21ca, 0x21c3, 0x21c2, 0x2910,
    0x231f, 0x230c, 0x1d4b9, 0x455, 0x29f6, 0x111, 0x22f1, 0x25bf, 0x25be, 0x21f5, 0x296f,
    0x29a6, 0x45f, 0x27ff, 0x2a77, 0x2251, 0xe9, 0xe9, 0x2a6e, 0x11b, 0x2256, 0xea, 0xea,
    0x2255, 0x44d, 0x117, 0x2147, 0x2252, 0x1d522, 0x2a9a, 0xe8, 0xe8, 0x2a96, 0x2a98, 0x2a99,
    0x23e7, 0x2113, 0x2a95, 0x2a97, 0x113, 0x2205, 0x2205, 0x2205, 0x2004, 0x2005, 0x2003,
    0x14b, 0x2002, 0x119, 0x1d556, 0x22d5, 0x29e3, 0x2a71, 0x3b5, 0x3b5, 0x3f5, 0x2256, 0x2255,
    0x2242, 0x2a96, 0x2a95, 0x3d, 0x225f, 0x2261, 0x2a78, 0x29e5, 0x2253, 0x2971, 0x212f,
    0x2250, 0x2242, 0x3b7, 0xf0, 0xf0, 0xeb, 0xeb, 0x20ac, 0x21, 0x2203, 0x2130, 0x2147, 0x2252,
    0x444, 0x2640, 0xfb03, 0xfb00, 0xfb04, 0x1d523, 0xfb01, 0x200066, 0x266d, 0xfb02, 0x25b1,
    0x192, 0x1d557, 0x2200, 0x22d4, 0x2ad9, 0x2a0d, 0xbd, 0xbd, 0x2153, 0xbc, 0xbc, 0x2155,
    0x2159, 0x215b, 0x2154, 0x2156, 0xbe, 0xbe, 0x2157, 0x215c, 0x2158, 0x215a, 0x215d, 0x215e,
    0x2044, 0x2322, 0x1d4bb, 0x2267, 0x2a8c, 0x1f5, 0x3b3, 0x3dd, 0x2a86, 0x11f, 0x11d, 0x433,
    0x121, 0x2265, 0x22db, 0x2265, 0x2267, 0x2a7e, 0x2a7e, 0x2aa9, 0x2a80, 0x2a82, 0x2a84,
    0x10022db, 0x2a94, 0x1d524, 0x226b, 0x22d9, 0x2137, 0x453, 0x2277, 0x2a92, 0x2aa5, 0x2aa4,
    0x2269, 0x2a8a, 0x2a8a, 0x2a88, 0x2a88, 0x2269, 0x22e7, 0x1d558, 0x60, 0x210a, 0x2273,
    0x2a8e, 0x2a90, 0x3e, 0x3e, 0x2aa7, 0x2a7a, 0x22d7, 0x2995, 0x2a7c, 0x2a86, 0x2978, 0x22d7,
    0x22db, 0x2a8c, 0x2277, 0x2273, 0x1002269, 0x1002269, 0x21d4, 0x200a, 0xbd, 0x210b, 0x44a,
    0x2194, 0x2948, 0x21ad, 0x210f, 0x125, 0x2665, 0x2665, 0x2026, 0x22b9, 0x1d525, 0x2925,
    0x2926, 0x21ff, 0x223b, 0x21a9, 0x21aa, 0x1d559, 0x2015, 0x1d4bd, 0x210f, 0x127, 0x2043,
    0x2010, 0xed, 0xed, 0x2063, 0xee, 0xee, 0x438, 0x435, 0xa1, 0xa1, 0x21d4, 0x1d526, 0xec,
    0xec, 0x2148, 0x2a0c, 0x222d, 0x29dc, 0x2129, 0x133, 0x12b, 0x2111, 0x2110, 0x2111, 0x131,
    0x22b7, 0x1b5, 0x2208, 0x2105, 0x221e, 0x29dd, 0x131, 0x222b, 0x22ba, 0x2124, 0x22ba,
    0x2a17, 0x2a3c, 0x451, 0x12f, 0x1d55a, 0x3b9, 0x2a3c, 0xbf, 0xbf, 0x1d4be, 0x2208, 0x22f9,
    0x22f5, 0x22f4, 0x22f3, 0x2208, 0x2062, 0x129, 0x456, 0xef, 0xef, 0x135, 0x439, 0x1d527,
    0x237, 0x1d55b, 0x1d4bf, 0x458, 0x454, 0x3ba, 0x3f0, 0x137, 0x43a, 0x1d528, 0x138, 0x445,
    0x45c, 0x1d55c, 0x1d4c0, 0x21da, 0x21d0, 0x291b, 0x290e, 0x2266, 0x2a8b, 0x2962, 0x13a,
    0x29b4, 0x2112, 0x3bb, 0x27e8, 0x2991, 0x27e8, 0x2a85, 0xab, 0xab, 0x2190, 0x21e4, 0x291f,
    0x291d, 0x21a9, 0x21ab, 0x2939, 0x2973, 0x21a2, 0x2aab, 0x2919, 0x2aad, 0x1002aad, 0x290c,
    0x2772, 0x7b, 0x5b, 0x298b, 0x298f, 0x298d, 0x13e, 0x13c, 0x2308, 0x7b, 0x43b, 0x2936,
    0x201c, 0x201e, 0x2967, 0x294b, 0x21b2, 0x2264, 0x2190, 0x21a2, 0x21bd, 0x21bc, 0x21c7,
    0x2194, 0x21c6, 0x21cb, 0x21ad, 0x22cb, 0x22da, 0x2264, 0x2266, 0x2a7d, 0x2a7d, 0x2aa8,
    0x2a7f, 0x2a81, 0x2a83, 0x10022da, 0x2a93, 0x2a85, 0x22d6, 0x22da, 0x2a8b, 0x2276, 0x2272,
    0x297c, 0x230a, 0x1d529, 0x2276, 0x2a91, 0x21bd, 0x21bc, 0x296a, 0x2584, 0x459, 0x226a,
    0x21c7, 0x231e, 0x296b, 0x25fa, 0x140, 0x23b0, 0x23b0, 0x2268, 0x2a89, 0x2a89, 0x2a87,
    0x2a87, 0x2268, 0x22e6, 0x27ec, 0x21fd, 0x27e6, 0x27f5, 0x27f7, 0x27fc, 0x27f6, 0x21ab,
    0x21ac, 0x2985, 0x1d55d, 0x2a2d, 0x2a34, 0x2217, 0x5f, 0x25ca, 0x25ca, 0x29eb, 0x28, 0x2993,
    0x21c6, 0x231f, 0x21cb, 0x296d, 0x200e, 0x22bf, 0x2039, 0x1d4c1, 0x21b0, 0x2272, 0x2a8d,
    0x2a8f, 0x5b, 0x2018, 0x201a, 0x142, 0x3c, 0x3c, 0x2aa6, 0x2a79, 0x22d6, 0x22cb, 0x22c9,
    0x2976, 0x2a7b, 0x2996, 0x25c3, 0x22b4, 0x25c2, 0x294a, 0x2966, 0x1002268, 0x1002268,
    0x223a, 0xaf, 0xaf, 0x2642, 0x2720, 0x2720, 0x21a6, 0x21a6, 0x21a7, 0x21a4, 0x21a5, 0x25ae,
    0x2a29, 0x43c, 0x2014, 0x2221, 0x1d52a, 0x2127, 0xb5, 0xb5, 0x2223, 0x2a, 0x2af0, 0xb7,
    0xb7, 0x2212, 0x229f, 0x2238, 0x2a2a, 0x2adb, 0x2026, 0x2213, 0x22a7, 0x1d55e, 0x2213,
    0x1d4c2, 0x223e, 0x3bc, 0x22b8, 0x22b8, 0x8022d9, 0xc0226b, 0x80226b, 0x21cd, 0x21ce,
    0x8022d8, 0xc0226a, 0x80226a, 0x21cf, 0x22af, 0x22ae, 0x2207, 0x144, 0xc02220, 0x2249,
    0x802a70, 0x80224b, 0x149, 0x2249, 0x266e, 0x266e, 0x2115, 0xa0, 0xa0, 0x80224e, 0x80224f,
    0x2a43, 0x148, 0x146, 0x2247, 0x802a6d, 0x2a42, 0x43d, 0x2013, 0x2260, 0x21d7, 0x2924,
    0x2197, 0x2197, 0x802250, 0x2262, 0x2928, 0x802242, 0x2204, 0x2204, 0x1d52b, 0x802267,
    0x2271, 0x2271, 0x802267, 0x802a7e, 0x802a7e, 0x2275, 0x226f, 0x226f, 0x21ce, 0x21ae,
    0x2af2, 0x220b, 0x22fc, 0x22fa, 0x220b, 0x45a, 0x21cd, 0x802266, 0x219a, 0x2025, 0x2270,
    0x219a, 0x21ae, 0x2270, 0x802266, 0x802a7d, 0x802a7d, 0x226e, 0x2274, 0x226e, 0x22ea,
    0x22ec, 0x2224, 0x1d55f, 0xac, 0xac, 0x2209, 0x8022f9, 0x8022f5, 0x2209, 0x22f7, 0x22f6,
    0x220c, 0x220c, 0x22fe, 0x22fd, 0x2226, 0x2226, 0xe02afd, 0x802202, 0x2a14, 0x2280, 0x22e0,
    0x802aaf, 0x2280, 0x802aaf, 0x21cf, 0x219b, 0x802933, 0x80219d, 0x219b, 0x22eb, 0x22ed,
    0x2281, 0x22e1, 0x802ab0, 0x1d4c3, 0x2224, 0x2226, 0x2241, 0x2244, 0x2244, 0x2224, 0x2226,
    0x22e2, 0x22e3, 0x2284, 0x802ac5, 0x2288, 0xc02282, 0x2288, 0x802ac5, 0x2281, 0x802ab0,
    0x2285, 0x802ac6, 0x2289, 0xc02283, 0x2289, 0x802ac6, 0x2279, 0xf1, 0xf1, 0x2278, 0x22ea,
    0x22ec, 0x22eb, 0x22ed, 0x3bd, 0x23, 0x2116, 0x2007, 0x22ad, 0x2904, 0xc0224d, 0x22ac,
    0xc02265, 0xc0003e, 0x29de, 0x2902, 0xc02264, 0xc0003c, 0xc022b4, 0x2903, 0xc022b5,
    0xc0223c, 0x21d6, 0x2923, 0x2196, 0x2196, 0x2927, 0x24c8, 0xf3, 0xf3, 0x229b, 0x229a, 0xf4,
    0xf4, 0x43e, 0x229d, 0x151, 0x2a38, 0x2299, 0x29bc, 0x153, 0x29bf, 0x1d52c, 0x2db, 0xf2,
    0xf2, 0x29c1, 0x29b5, 0x3a9, 0x222e, 0x21ba, 0x29be, 0x29bb, 0x203e, 0x29c0, 0x14d, 0x3c9,
    0x3bf, 0x29b6, 0x2296, 0x1d560, 0x29b7, 0x29b9, 0x2295, 0x2228, 0x21bb, 0x2a5d, 0x2134,
    0x2134, 0xaa, 0xaa, 0xba, 0xba, 0x22b6, 0x2a56, 0x2a57, 0x2a5b, 0x2134, 0xf8, 0xf8, 0x2298,
    0xf5, 0xf5, 0x2297, 0x2a36, 0xf6, 0xf6, 0x233d, 0x2225, 0xb6, 0xb6, 0x2225, 0x2af3, 0x2afd,
    0x2202, 0x43f, 0x25, 0x2e, 0x2030, 0x22a5, 0x2031, 0x1d52d, 0x3c6, 0x3d5, 0x2133, 0x260e,
    0x3c0, 0x22d4, 0x3d6, 0x210f, 0x210e, 0x210f, 0x2b, 0x2a23, 0x229e, 0x2a22, 0x2214, 0x2a25,
    0x2a72, 0xb1, 0xb1, 0x2a26, 0x2a27, 0xb1, 0x2a15, 0x1d561, 0xa3, 0xa3, 0x227a, 0x2ab3,
    0x2ab7, 0x227c, 0x2aaf, 0x227a, 0x2ab7, 0x227c, 0x2aaf, 0x2ab9, 0x2ab5, 0x22e8, 0x227e,
    0x2032, 0x2119, 0x2ab5, 0x2ab9, 0x22e8, 0x220f, 0x232e, 0x2312, 0x2313, 0x221d, 0x221d,
    0x227e, 0x22b0, 0x1d4c5, 0x3c8, 0x2008, 0x1d52e, 0x2a0c, 0x1d562, 0x2057, 0x1d4c6, 0x210d,
    0x2a16, 0x3f, 0x225f, 0x22, 0x22, 0x21db, 0x21d2, 0x291c, 0x290f, 0x2964, 0x40223d, 0x155,
    0x221a, 0x29b3, 0x27e9, 0x2992, 0x29a5, 0x27e9, 0xbb, 0xbb, 0x2192, 0x2975, 0x21e5, 0x2920,
    0x2933, 0x291e, 0x21aa, 0x21ac, 0x2945, 0x2974, 0x21a3, 0x219d, 0x291a, 0x2236, 0x211a,
    0x290d, 0x2773, 0x7d, 0x5d, 0x298c, 0x298e, 0x2990, 0x159, 0x157, 0x2309, 0x7d, 0x440,
    0x2937, 0x2969, 0x201d, 0x201d, 0x21b3, 0x211c, 0x211b, 0x211c, 0x211d, 0x25ad, 0xae, 0xae,
    0x297d, 0x230b, 0x1d52f, 0x21c1, 0x21c0, 0x296c, 0x3c1, 0x3f1, 0x2192, 0x21a3, 0x21c1,
    0x21c0, 0x21c4, 0x21cc, 0x21c9, 0x219d, 0x22cc, 0x2da, 0x2253, 0x21c4, 0x21cc, 0x200f,
    0x23b1, 0x23b1, 0x2aee, 0x27ed, 0x21fe, 0x27e7, 0x2986, 0x1d563, 0x2a2e, 0x2a35, 0x29,
    0x2994, 0x2a12, 0x21c9, 0x203a, 0x1d4c7, 0x21b1, 0x5d, 0x2019, 0x2019, 0x22cc, 0x22ca,
    0x25b9, 0x22b5, 0x25b8, 0x29ce, 0x2968, 0x211e, 0x15b, 0x201a, 0x227b, 0x2ab4, 0x2ab8,
    0x161, 0x227d, 0x2ab0, 0x15f, 0x15d, 0x2ab6, 0x2aba, 0x22e9, 0x2a13, 0x227f, 0x441, 0x22c5,
    0x22a1, 0x2a66, 0x21d8, 0x2925, 0x2198, 0x2198, 0xa7, 0xa7, 0x3b, 0x2929, 0x2216, 0x2216,
    0x2736, 0x1d530, 0x2322, 0x266f, 0x449, 0x448, 0x2223, 0x2225, 0xad, 0xad, 0x3c3, 0x3c2,
    0x3c2, 0x223c, 0x2a6a, 0x2243, 0x2243, 0x2a9e, 0x2aa0, 0x2a9d, 0x2a9f, 0x2246, 0x2a24,
    0x2972, 0x2190, 0x2216, 0x2a33, 0x29e4, 0x2223, 0x2323, 0x2aaa, 0x2aac, 0x1002aac, 0x44c,
    0x2f, 0x29c4, 0x233f, 0x1d564, 0x2660, 0x2660, 0x2225, 0x2293, 0x1002293, 0x2294, 0x1002294,
    0x228f, 0x2291, 0x228f, 0x2291, 0x2290, 0x2292, 0x2290, 0x2292, 0x25a1, 0x25a1, 0x25aa,
    0x25aa, 0x2192, 0x1d4c8, 0x2216, 0x2323, 0x22c6, 0x2606, 0x2605, 0x3f5, 0x3d5, 0xaf, 0x2282,
    0x2ac5, 0x2abd, 0x2286, 0x2ac3, 0x2ac1, 0x2acb, 0x228a, 0x2abf, 0x2979, 0x2282, 0x2286,
    0x2ac5, 0x228a, 0x2acb, 0x2ac7, 0x2ad5, 0x2ad3, 0x227b, 0x2ab8, 0x227d, 0x2ab0, 0x2aba,
    0x2ab6, 0x22e9, 0x227f, 0x2211, 0x266a, 0xb9, 0xb9, 0xb2, 0xb2, 0xb3, 0xb3, 0x2283, 0x2ac6,
    0x2abe, 0x2ad8, 0x2287, 0x2ac4, 0x27c9, 0x2ad7, 0x297b, 0x2ac2, 0x2acc, 0x228b, 0x2ac0,
    0x2283, 0x2287, 0x2ac6, 0x228b, 0x2acc, 0x2ac8, 0x2ad4, 0x2ad6, 0x21d9, 0x2926, 0x2199,
    0x2199, 0x292a, 0xdf, 0xdf, 0x2316, 0x3c4, 0x23b4, 0x165, 0x163, 0x442, 0x20db, 0x2315,
    0x1d531, 0x2234, 0x2234, 0x3b8, 0x3d1, 0x3d1, 0x2248, 0x223c, 0x2009, 0x2248, 0x223c, 0xfe,
    0xfe, 0x2dc, 0xd7, 0xd7, 0x22a0, 0x2a31, 0x2a30, 0x222d, 0x2928, 0x22a4, 0x2336, 0x2af1,
    0x1d565, 0x2ada, 0x2929, 0x2034, 0x2122, 0x25b5, 0x25bf, 0x25c3, 0x22b4, 0x225c, 0x25b9,
    0x22b5, 0x25ec, 0x225c, 0x2a3a, 0x2a39, 0x29cd, 0x2a3b, 0x23e2, 0x1d4c9, 0x446, 0x45b,
    0x167, 0x226c, 0x219e, 0x21a0, 0x21d1, 0x2963, 0xfa, 0xfa, 0x2191, 0x45e, 0x16d, 0xfb, 0xfb,
    0x443, 0x21c5, 0x171, 0x296e, 0x297e, 0x1d532, 0xf9, 0xf9, 0x21bf, 0x21be, 0x2580, 0x231c,
    0x231c, 0x230f, 0x25f8, 0x16b, 0xa8, 0xa8, 0x173, 0x1d566, 0x2191, 0x2195, 0x21bf, 0x21be,
    0x228e, 0x3c5, 0x3d2, 0x3c5, 0x21c8, 0x231d, 0x231d, 0x230e, 0x16f, 0x25f9, 0x1d4ca, 0x22f0,
    0x169, 0x25b5, 0x25b4, 0x21c8, 0xfc, 0xfc, 0x29a7, 0x21d5, 0x2ae8, 0x2ae9, 0x22a8, 0x299c,
    0x3f5, 0x3f0, 0x2205, 0x3d5, 0x3d6, 0x221d, 0x2195, 0x3f1, 0x3c2, 0x100228a, 0x1002acb,
    0x100228b, 0x1002acc, 0x3d1, 0x22b2, 0x22b3, 0x432, 0x22a2, 0x2228, 0x22bb, 0x225a, 0x22ee,
    0x7c, 0x7c, 0x1d533, 0x22b2, 0xc02282, 0xc02283, 0x1d567, 0x221d, 0x22b3, 0x1d4cb,
    0x1002acb, 0x100228a, 0x1002acc, 0x100228b, 0x299a, 0x175, 0x2a5f, 0x2227, 0x2259, 0x2118,
    0x1d534, 0x1d568, 0x2118, 0x2240, 0x2240, 0x1d4cc, 0x22c2, 0x25ef, 0x22c3, 0x25bd, 0x1d535,
    0x27fa, 0x27f7, 0x3be, 0x27f8, 0x27f5, 0x27fc, 0x22fb, 0x2a00, 0x1d569, 0x2a01, 0x2a02,
    0x27f9, 0x27f6, 0x1d4cd, 0x2a06, 0x2a04, 0x25b3, 0x22c1, 0x22c0, 0xfd, 0xfd, 0x44f, 0x177,
    0x44b, 0xa5, 0xa5, 0x1d536, 0x457, 0x1d56a, 0x1d4ce, 0x44e, 0xff, 0xff, 0x17a, 0x17e, 0x437,
    0x17c, 0x2128, 0x3b6, 0x1d537, 0x436, 0x21dd, 0x1d56b, 0x1d4cf, 0x200d, 0x200c,
];

pub(super) const SECONDS: [u32; 8] = [
    0x6a, 0x331, 0x333, 0x338, 0x200a, 0x20d2, 0x20e5, 0xfe00,
];

