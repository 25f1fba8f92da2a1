import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { IsIsoDateTime } from './validators';

/** `?page=1&limit=20` (limit at most 100). */
export class PaginationQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  @ApiProperty({ required: false, default: 1, minimum: 1, maximum: 100_000 })
  page?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  @ApiProperty({ required: false, default: 20, minimum: 1, maximum: 100 })
  limit?: number;
}

export class PageMetaDto {
  page: number;
  limit: number;
  /** Rows matching the query, on every page. */
  total: number;
}

export function pageOf(query: PaginationQueryDto): { page: number; limit: number; offset: number } {
  const page = query.page ?? 1;
  const limit = query.limit ?? 20;
  return { page, limit, offset: (page - 1) * limit };
}

/** Escapes LIKE wildcards in user input. */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Pagination plus a time range, `?from=&to=` (ISO-8601 date-times with a time zone). */
export class TimeRangeQueryDto extends PaginationQueryDto {
  /** At or after this instant (an appointment's start, an audit event's time), ISO-8601 with a time zone. */
  @IsOptional()
  @IsIsoDateTime()
  from?: string;

  /** Before this instant (an appointment's start, an audit event's time), ISO-8601 with a time zone. */
  @IsOptional()
  @IsIsoDateTime()
  to?: string;
}

/** Adds the range to a query on `column` (from inclusive, to exclusive). */
export function whereInRange<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  column: string,
  query: TimeRangeQueryDto,
): SelectQueryBuilder<T> {
  if (query.from) qb.andWhere(`${column} >= :rangeFrom`, { rangeFrom: new Date(query.from) });
  if (query.to) qb.andWhere(`${column} < :rangeTo`, { rangeTo: new Date(query.to) });
  return qb;
}
