// The subset of SOQL the Salesforce sandbox understands (spec salesforce-api.md §2.5).
// Keywords are case-insensitive as in real SOQL. Mixing AND and OR at one level without parentheses is
// rejected, exactly like Salesforce does ("unexpected token: OR"), which is why `condition` only allows a
// homogeneous chain of AND or of OR.
grammar Soql;

options { caseInsensitive = true; }

query
    : SELECT selectList FROM objectName=identifier whereClause? orderByClause? limitClause? offsetClause? EOF
    ;

selectList
    : COUNT LPAREN RPAREN                     # countSelect
    | fieldPath (COMMA fieldPath)*            # fieldSelect
    ;

fieldPath
    : identifier (DOT identifier)*
    ;

whereClause
    : WHERE condition
    ;

condition
    : unaryCondition ((AND unaryCondition)+ | (OR unaryCondition)+)?
    ;

unaryCondition
    : NOT unaryCondition                      # notCondition
    | LPAREN condition RPAREN                 # groupCondition
    | fieldPath operator literal              # comparisonCondition
    | fieldPath NOT? IN LPAREN literal (COMMA literal)* RPAREN   # inCondition
    ;

operator
    : EQ | NEQ | LT | LTE | GT | GTE | LIKE
    ;

literal
    : STRING
    | NUMBER
    | DATETIME
    | DATE
    | TRUE
    | FALSE
    | NULL
    | TODAY
    | YESTERDAY
    | TOMORROW
    | N_DAYS
    ;

orderByClause
    : ORDER BY orderItem (COMMA orderItem)*
    ;

orderItem
    : fieldPath direction=(ASC | DESC)? (NULLS nulls=(FIRST | LAST))?
    ;

limitClause
    : LIMIT NUMBER
    ;

offsetClause
    : OFFSET NUMBER
    ;

// Words that are keywords in some positions but legal API names elsewhere (the Order object, a field named
// Type or Last, ...).
identifier
    : IDENTIFIER | ORDER | COUNT | FIRST | LAST | NULLS | ASC | DESC | LIMIT | OFFSET | TODAY | YESTERDAY | TOMORROW
    ;

SELECT    : 'SELECT';
FROM      : 'FROM';
WHERE     : 'WHERE';
AND       : 'AND';
OR        : 'OR';
NOT       : 'NOT';
IN        : 'IN';
LIKE      : 'LIKE';
ORDER     : 'ORDER';
BY        : 'BY';
ASC       : 'ASC';
DESC      : 'DESC';
NULLS     : 'NULLS';
FIRST     : 'FIRST';
LAST      : 'LAST';
LIMIT     : 'LIMIT';
OFFSET    : 'OFFSET';
COUNT     : 'COUNT';
TRUE      : 'TRUE';
FALSE     : 'FALSE';
NULL      : 'NULL';
TODAY     : 'TODAY';
YESTERDAY : 'YESTERDAY';
TOMORROW  : 'TOMORROW';
// Date ranges relative to today: LAST_N_DAYS:n = [today - n, today], NEXT_N_DAYS:n = [today + 1, today + n].
N_DAYS    : ('LAST_N_DAYS' | 'NEXT_N_DAYS') ':' DIGIT+;

EQ     : '=';
NEQ    : '!=' | '<>';
LTE    : '<=';
GTE    : '>=';
LT     : '<';
GT     : '>';
LPAREN : '(';
RPAREN : ')';
COMMA  : ',';
DOT    : '.';

DATETIME : DIGIT DIGIT DIGIT DIGIT '-' DIGIT DIGIT '-' DIGIT DIGIT 'T' DIGIT DIGIT ':' DIGIT DIGIT ':' DIGIT DIGIT
           ('.' DIGIT+)? ('Z' | [+-] DIGIT DIGIT ':'? DIGIT DIGIT);
DATE     : DIGIT DIGIT DIGIT DIGIT '-' DIGIT DIGIT '-' DIGIT DIGIT;
NUMBER   : '-'? DIGIT+ ('.' DIGIT+)?;
STRING   : '\'' ( '\\' . | ~['\\\r\n] )* '\'';
IDENTIFIER : [A-Z_] [A-Z0-9_]*;

WS : [ \t\r\n]+ -> skip;

// Any other character becomes a token the parser cannot use, so it is reported as a MALFORMED_QUERY.
UNEXPECTED : . ;

fragment DIGIT : [0-9];
